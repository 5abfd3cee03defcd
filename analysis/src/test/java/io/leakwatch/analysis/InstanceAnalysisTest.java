package io.leakwatch.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks across signals that no single rule can make. */
class InstanceAnalysisTest {
    private static final long T0 = 1_700_000_000_000L;

    private static Series rising(Signal signal, double perMinute) {
        long[] ts = new long[240];
        double[] vs = new double[240];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = T0 + i * 60_000L;
            vs[i] = 50_000_000 + perMinute * i + (i % 3);
        }
        return Series.of(signal, ts, vs);
    }

    private static SignalResult result(List<SignalResult> results, Signal signal) {
        return results.stream().filter(r -> r.signal() == signal).findFirst().orElseThrow();
    }

    @Test
    void metaspaceGrowingWithAFlatClassCountIsAWarmingJvmNotALeak() {
        List<SignalResult> results = InstanceAnalysis.withDefaults().analyse(
                List.of(rising(Signal.METASPACE, 60_000), rising(Signal.CLASSES, 0)), AnalysisContext.EMPTY);

        SignalResult metaspace = result(results, Signal.METASPACE);
        assertThat(metaspace.verdict()).isEqualTo(Verdict.OK);
        assertThat(metaspace.reason().key()).isEqualTo(Reason.METASPACE_WITHOUT_CLASSES);
        assertThat(metaspace.message()).contains("class count is flat");
        assertThat(metaspace.slopePerHour()).isGreaterThan(0);
    }

    @Test
    void metaspaceGrowingWithTheClassCountIsALeak() {
        List<SignalResult> results = InstanceAnalysis.withDefaults().analyse(
                List.of(rising(Signal.METASPACE, 60_000), rising(Signal.CLASSES, 5)), AnalysisContext.EMPTY);

        assertThat(result(results, Signal.METASPACE).verdict()).isEqualTo(Verdict.LEAK);
        assertThat(result(results, Signal.CLASSES).verdict()).isEqualTo(Verdict.LEAK);
    }
}
