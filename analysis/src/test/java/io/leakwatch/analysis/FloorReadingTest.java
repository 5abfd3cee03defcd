package io.leakwatch.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * How the rules read floors: a post-GC heap value taken while transient data was held, the old pool's 0
 * before its first collection, and the slow drift of a warming JVM's native memory. Each case pairs a
 * healthy look-alike (must not be a leak) with a real leak of the same shape (must be found).
 */
class FloorReadingTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final double MB = 1024 * 1024;
    private static final double HEAP_MAX = 256 * MB;

    private static Series perMinute(Signal signal, int minutes, IntToDoubleFunction value, Double limit) {
        long[] ts = new long[minutes];
        double[] vs = new double[minutes];
        for (int i = 0; i < minutes; i++) {
            ts[i] = T0 + i * 60_000L;
            vs[i] = value.applyAsDouble(i);
        }
        return Series.of(signal.id(), signal, ts, vs, limit, null, Series.Kind.FLOOR);
    }

    /** A reclaiming collection every minute, as a busy G1 heap reports. */
    private static AnalysisContext collectedEveryMinute(int minutes) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < minutes; i++) {
            times.add(T0 + i * 60_000L);
        }
        return AnalysisContext.EMPTY.withReclaimingCollections(times).withProcessStart(T0);
    }

    /** Deterministic jitter in [0, 1). */
    private static double jitter(int i) {
        return ((i * 7919L) % 101) / 101.0;
    }

    /**
     * Every fifth minute a collection runs while a 90 MB report is held, so its post-GC reading is high; the
     * floor below is what counts.
     */
    private static double withHeldReport(int i, double floor) {
        return i % 5 == 0 ? floor + 90 * MB : floor;
    }

    @Test
    void slowLeakUnderPostGcReadingsOfHeldTransientDataIsFound() {
        int minutes = 150;
        Series leak = perMinute(Signal.HEAP, minutes, i -> withHeldReport(i, 10 * MB + i * (5 * MB / 60) + 2 * MB * jitter(i)),
                HEAP_MAX);
        SignalResult r = LeakRule.forSignal(Signal.HEAP).evaluate(leak, collectedEveryMinute(minutes));
        assertThat(r.verdict()).as(r.message()).isEqualTo(Verdict.LEAK);
        assertThat(r.slopePerHour()).isBetween(4 * MB, 6 * MB);
    }

    @Test
    void flatFloorUnderPostGcReadingsOfHeldTransientDataIsNotALeak() {
        int minutes = 150;
        // The held reports cluster early and thin out later: raw readings fall, the floor stays.
        Series flat = perMinute(Signal.HEAP, minutes, i -> (i < 75 && i % 3 == 0) || i % 10 == 0
                ? 100 * MB : 12 * MB + 2 * MB * jitter(i), HEAP_MAX);
        SignalResult r = LeakRule.forSignal(Signal.HEAP).evaluate(flat, collectedEveryMinute(minutes));
        assertThat(r.verdict()).as(r.message()).isEqualTo(Verdict.OK);
    }

    @Test
    void oldPoolZeroBeforeItsFirstCollectionIsNoReading() {
        int minutes = 120;
        // 0 until minute 40 (no old-gen collection yet), then a flat live set: not a jump from 0 to 30 MB.
        Series flat = perMinute(Signal.HEAP, minutes, i -> i < 40 ? 0 : 30 * MB + MB * jitter(i), HEAP_MAX);
        SignalResult r = LeakRule.forSignal(Signal.HEAP).evaluate(flat, collectedEveryMinute(minutes));
        assertThat(r.verdict()).as(r.message()).isEqualTo(Verdict.OK);
        assertThat(r.evidence().timestampsMs()[0]).isGreaterThanOrEqualTo(T0 + 40 * 60_000L);

        Series leak = perMinute(Signal.HEAP, minutes, i -> i < 40 ? 0 : 30 * MB + (i - 40) * (30 * MB / 60), HEAP_MAX);
        SignalResult found = LeakRule.forSignal(Signal.HEAP).evaluate(leak, collectedEveryMinute(minutes));
        assertThat(found.verdict()).as(found.message()).isEqualTo(Verdict.LEAK);
        assertThat(found.slopePerHour()).isBetween(27 * MB, 33 * MB);
    }

    @Test
    void onlyZerosIsInsufficientData() {
        Series zeros = perMinute(Signal.HEAP, 120, i -> 0, HEAP_MAX);
        SignalResult r = LeakRule.forSignal(Signal.HEAP).evaluate(zeros, collectedEveryMinute(120));
        assertThat(r.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
    }

    @Test
    void withoutTheFloorEnvelopeHeldReportsHideTheSlowLeak() {
        int minutes = 150;
        Series leak = perMinute(Signal.HEAP, minutes, i -> (i < 75 && i % 3 == 0) || i % 10 == 0
                ? 100 * MB : 10 * MB + i * (5 * MB / 60) + 2 * MB * jitter(i), HEAP_MAX);
        LeakRule plain = new LeakRule(Signal.HEAP, Signal.HEAP.defaultThresholds().withFloorEnvelopeBucket(Duration.ZERO));
        assertThat(plain.evaluate(leak, collectedEveryMinute(minutes)).verdict()).isNotEqualTo(Verdict.LEAK);
        SignalResult r = LeakRule.forSignal(Signal.HEAP).evaluate(leak, collectedEveryMinute(minutes));
        assertThat(r.verdict()).as(r.message()).isEqualTo(Verdict.LEAK);
    }

    @Test
    void warmingJvmNativeDriftIsNotALeakWhileANativeLeakIs() {
        int minutes = 150;
        AnalysisContext ctx = AnalysisContext.EMPTY.withProcessStart(T0);
        // About 1.3 MB/h of code cache and arena growth with small steps, as a JVM loading plugins shows.
        Series drift = perMinute(Signal.NATIVE, minutes, i -> 50 * MB + i * (1.3 * MB / 60) + 0.1 * MB * jitter(i), null);
        SignalResult ok = LeakRule.forSignal(Signal.NATIVE).evaluate(drift, ctx);
        assertThat(ok.verdict()).as(ok.message()).isEqualTo(Verdict.OK);
        assertThat(ok.reason().key()).isEqualTo(Reason.SLOPE_BELOW_THRESHOLD);

        Series leak = perMinute(Signal.NATIVE, minutes, i -> 50 * MB + i * (60 * MB / 60) + 0.1 * MB * jitter(i), null);
        assertThat(LeakRule.forSignal(Signal.NATIVE).evaluate(leak, ctx).verdict()).isEqualTo(Verdict.LEAK);
    }

    @Test
    void compressingKeepsTheFloorEnvelopeProportional() {
        LeakThresholds heap = Signal.HEAP.defaultThresholds();
        LeakThresholds demo = heap.compressedTo(Duration.ofMinutes(10));
        assertThat(heap.floorEnvelopeBucket()).isEqualTo(Duration.ofMinutes(5));
        assertThat(demo.floorEnvelopeBucket()).isLessThan(heap.floorEnvelopeBucket());
        assertThat(Signal.THREADS.defaultThresholds().compressedTo(Duration.ofMinutes(10)).floorEnvelopeBucket())
                .isEqualTo(Duration.ZERO);
    }
}
