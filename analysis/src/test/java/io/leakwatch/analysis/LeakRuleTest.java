package io.leakwatch.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Edge cases of the rule and its inputs; the behaviour on realistic shapes is in the golden tests. */
class LeakRuleTest {

    private static final long T0 = 1_700_000_000_000L;

    private static Series linear(Signal signal, int minutes, double perMinute) {
        long[] ts = new long[minutes];
        double[] vs = new double[minutes];
        for (int i = 0; i < minutes; i++) {
            ts[i] = T0 + i * 60_000L;
            vs[i] = 100 + perMinute * i + (i % 3);
        }
        return Series.of(signal, ts, vs);
    }

    @Test
    void emptySeriesIsInsufficientNotAnError() {
        SignalResult r = LeakRule.forSignal(Signal.THREADS).evaluate(Series.of(Signal.THREADS, new long[0], new double[0]), null);
        assertThat(r.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(r.reason().key()).isEqualTo(Reason.NO_DATA);
        assertThat(r.confidence()).isZero();
    }

    @Test
    void shortWindowIsInsufficient() {
        SignalResult r = LeakRule.forSignal(Signal.THREADS).evaluate(linear(Signal.THREADS, 40, 1), AnalysisContext.EMPTY);
        assertThat(r.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(r.reason().key()).isEqualTo(Reason.WINDOW_TOO_SHORT);
    }

    @Test
    void compressedThresholdsJudgeAQuarterHourThatDefaultsCallTooShort() {
        Series classes = linear(Signal.CLASSES, 16, 30);
        Series flat = linear(Signal.CLASSES, 16, 0);
        InstanceAnalysis demo = InstanceAnalysis.compressedTo(Duration.ofMinutes(10));

        assertThat(LeakRule.forSignal(Signal.CLASSES).evaluate(classes, AnalysisContext.EMPTY).verdict())
                .isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(demo.rule(Signal.CLASSES).evaluate(classes, AnalysisContext.EMPTY).verdict()).isEqualTo(Verdict.LEAK);
        assertThat(demo.rule(Signal.CLASSES).evaluate(flat, AnalysisContext.EMPTY).verdict()).isEqualTo(Verdict.OK);
        assertThat(demo.rule(Signal.CLASSES).thresholds().minWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> LeakThresholds.DEFAULTS.compressedTo(Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void heapGrowthNeedsReclaimingCollectionsToBeALeak() {
        Series heap = linear(Signal.HEAP, 240, 1024 * 1024);
        LeakRule rule = LeakRule.forSignal(Signal.HEAP);
        SignalResult unconfirmed = rule.evaluate(heap, AnalysisContext.EMPTY);
        assertThat(unconfirmed.verdict()).isEqualTo(Verdict.GROWING);
        assertThat(unconfirmed.message()).contains("mixed or full GC");
        SignalResult confirmed = rule.evaluate(heap, AnalysisContext.EMPTY.withReclaimingCollections(
                List.of(T0 + 3_600_000L, T0 + 7_200_000L, T0 + 10_800_000L)));
        assertThat(confirmed.verdict()).isEqualTo(Verdict.LEAK);
        assertThat(confirmed.evidence().reclaimingCollections()).isEqualTo(3);
        assertThat(confirmed.evidence().fit().slopePerHour()).isEqualTo(confirmed.slopePerHour());
    }

    @Test
    void knownProcessStartReplacesTheWarmupFraction() {
        Series threads = linear(Signal.THREADS, 240, 0.1);
        SignalResult r = LeakRule.forSignal(Signal.THREADS).evaluate(threads,
                AnalysisContext.EMPTY.withProcessStart(T0 - 3_600_000L));
        assertThat(r.evidence().timestampsMs()).hasSize(240);
        assertThat(r.verdict()).isEqualTo(Verdict.LEAK);
        assertThat(r.timeToExhaustionSeconds()).isNull();
    }

    @Test
    void smallSlopeIsOkWithItsReason() {
        LeakRule rule = new LeakRule(Signal.THREADS, Signal.THREADS.defaultThresholds().withMinSlopePerHour(100));
        SignalResult r = rule.evaluate(linear(Signal.THREADS, 240, 0.1), AnalysisContext.EMPTY);
        assertThat(r.verdict()).isEqualTo(Verdict.OK);
        assertThat(r.reason().key()).isEqualTo(Reason.SLOPE_BELOW_THRESHOLD);
    }

    @Test
    void rejectsMisuseAndBadConfiguration() {
        assertThatThrownBy(() -> LeakRule.forSignal(Signal.HEAP).evaluate(linear(Signal.FDS, 10, 1), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeakThresholds.DEFAULTS.withMaxPValue(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeakThresholds.DEFAULTS.withMinWindow(Duration.ofMinutes(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Series.of(Signal.HEAP, new long[] {2, 1}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Series.of(Signal.HEAP, new long[] {1}, new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signalIdsRoundTrip() {
        for (Signal s : Signal.values()) {
            assertThat(Signal.fromId(s.id())).isEqualTo(s);
        }
        assertThat(Verdict.INSUFFICIENT_DATA.id()).isEqualTo("insufficient_data");
    }
}
