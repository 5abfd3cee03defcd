package io.leakwatch.bench.traces;

import io.leakwatch.ingest.Ingest;
import io.leakwatch.ingest.IngestConfig;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.SeriesPoint;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.testing.RecordedTraces;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class TraceReplayOverHttpTest {
    static final String SCENARIO = "thread-per-task";
    static final double FACTOR = 30;
    static final long END = 1_800_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aTraceReplayedThroughTheOtlpReceiverLandsStretchedInTheStore() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            IngestConfig config = IngestConfig.defaults()
                    .withHttp(IngestConfig.HttpConfig.defaults().withListen("127.0.0.1", 0));
            Ingest ingest = Ingest.start(vertx, config, store.writer(), store::ready)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try {
                TraceReplayer.Result result = TraceReplayer.replayOverHttp(SCENARIO,
                        new TraceReplayer.Options(FACTOR, END, "over-http-1"),
                        URI.create("http://127.0.0.1:" + ingest.httpPort() + "/v1/metrics"));

                // The receiver acknowledges after the write, so the points are there once the replay returns.
                List<SeriesPoint> threads = store.queries().series("over-http-1", "jvm.thread.count", Map.of(),
                        result.firstMillis() - 120_000, END + 1, 100_000);
                List<Long> times = threads.stream().map(SeriesPoint::timeMillis).distinct().sorted().toList();
                assertThat(times).hasSizeGreaterThan(RecordedTraces.read(SCENARIO).size() / 2);
                assertThat(times.getLast()).isBetween(END - Math.round(2_000 * FACTOR), END);
                double meanGap = (double) (times.getLast() - times.getFirst()) / (times.size() - 1);
                assertThat(meanGap).isBetween(0.8 * 1_000 * FACTOR, 1.2 * 1_000 * FACTOR);
            } finally {
                ingest.close();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
