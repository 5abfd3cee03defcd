package io.leakwatch.bench.traces;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.SeriesPoint;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.testing.RecordedTraces;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TraceReplayerTest {
    static final String SCENARIO = "static-map";
    static final double FACTOR = 10;
    static final long END = 1_800_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void replayedTraceIsReadableFromTheStoreShiftedAndStretched() {
        List<RecordedTraces.Request> recorded = RecordedTraces.read(SCENARIO);
        long recordedSpan = recorded.getLast().arrivalMillis() - recorded.getFirst().arrivalMillis();
        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            TraceReplayer.Result result = TraceReplayer.replayDirect(SCENARIO,
                    new TraceReplayer.Options(FACTOR, END, "replayed-1"), store.writer());

            assertThat(result.requests()).isEqualTo(recorded.size());
            assertThat(result.rows()).isPositive();
            assertThat(result.rejected()).isZero();
            assertThat(result.lastMillis()).isEqualTo(END);
            assertThat(result.lastMillis() - result.firstMillis()).isEqualTo(Math.round(recordedSpan * FACTOR));

            List<SeriesPoint> threads = store.queries().series("replayed-1", "jvm.thread.count", Map.of(),
                    END - 2 * Math.round(recordedSpan * FACTOR), END + 1, 100_000);
            List<Long> times = threads.stream().map(SeriesPoint::timeMillis).distinct().sorted().toList();
            assertThat(times).hasSizeGreaterThan(recorded.size() / 2);
            // Points were taken at most an export before their request arrived; stretched, that is FACTOR times more.
            assertThat(times.getLast()).isBetween(END - Math.round(2_000 * FACTOR), END);
            assertThat(times.getFirst()).isGreaterThanOrEqualTo(result.firstMillis() - Math.round(2_000 * FACTOR));
            // A 1 s export cadence becomes FACTOR seconds.
            double meanGap = (double) (times.getLast() - times.getFirst()) / (times.size() - 1);
            assertThat(meanGap).isCloseTo(1_000 * FACTOR, within(0.2 * 1_000 * FACTOR));

            // The recorded instance id is replaced.
            assertThat(store.queries().series(RecordedTraces.label(SCENARIO).instanceId(), "jvm.thread.count", Map.of(),
                    END - 10 * Math.round(recordedSpan * FACTOR), END + 1, 10)).isEmpty();
        }
    }

    @Test
    void warpMapsNanosecondsLikeMilliseconds() {
        TimeWarp warp = TimeWarp.endingAt(1_000, 2_000, 50_000, 10);
        assertThat(warp.millis(2_000)).isEqualTo(50_000);
        assertThat(warp.millis(1_000)).isEqualTo(40_000);
        assertThat(warp.nanos(1_500_000_000L)).isEqualTo(45_000_000_000L);
        assertThat(warp.nanos(0)).isZero();
    }
}
