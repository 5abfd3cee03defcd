package io.leakwatch.ingest;

import io.leakwatch.store.MetricKind;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batching rules of {@link HttpWriteBatcher}, on an in-memory writer that records each insert. */
class HttpWriteBatcherTest {
    private record Insert(int rows, String token) {
    }

    private final List<Insert> inserts = Collections.synchronizedList(new ArrayList<>());
    private final MetricWriter recording = (rows, token) -> inserts.add(new Insert(rows.size(), token));
    private HttpWriteBatcher batcher;

    @AfterEach
    void close() {
        if (batcher != null) {
            batcher.close(Duration.ofSeconds(5));
        }
    }

    private static List<MetricRow> rows(int n) {
        return IntStream.range(0, n).mapToObj(i -> MetricRow.scalar(1_000L + i, "svc", "1", "i", "m", "1",
                MetricKind.GAUGE, Map.of(), i)).toList();
    }

    @Test
    void cutsABatchAtTheRowLimitWithoutSplittingARequestAndFlushesTheRestOnClose() throws Exception {
        batcher = new HttpWriteBatcher(recording, 5, Duration.ofSeconds(30), 100, IngestTelemetry.noop());

        CompletableFuture<Void> first = batcher.submit(rows(3), "a");
        CompletableFuture<Void> second = batcher.submit(rows(3), "b");

        first.get(10, TimeUnit.SECONDS);
        assertThat(second).isNotDone(); // 3 rows < 5, and its 30 s are not over
        batcher.close(Duration.ofSeconds(10));
        second.get(10, TimeUnit.SECONDS);
        assertThat(inserts).containsExactly(new Insert(3, "a"), new Insert(3, "b"));
        assertThat(batcher.rowsWritten()).isEqualTo(6);
        assertThat(batcher.pendingRows()).isZero();
    }

    @Test
    void aSharedInsertGetsATokenDerivedFromItsRequestsAndALoneOneKeepsItsOwn() throws Exception {
        batcher = new HttpWriteBatcher(recording, 4, Duration.ofSeconds(30), 100, IngestTelemetry.noop());

        CompletableFuture.allOf(batcher.submit(rows(2), "a"), batcher.submit(rows(2), "b")).get(10, TimeUnit.SECONDS);
        batcher.submit(rows(4), "c").get(10, TimeUnit.SECONDS);

        assertThat(inserts).hasSize(2);
        assertThat(inserts.getFirst().rows()).isEqualTo(4);
        assertThat(inserts.getFirst().token()).startsWith("otlp-http-batch-").hasSize("otlp-http-batch-".length() + 64);
        assertThat(inserts.get(1)).isEqualTo(new Insert(4, "c"));
    }

    @Test
    void reportsOneBatchSizeAndOneInsertDurationPerSharedInsert() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            batcher = new HttpWriteBatcher(recording, 4, Duration.ofSeconds(30), 100, IngestTelemetry.create(provider));

            CompletableFuture.allOf(batcher.submit(rows(1), "a"), batcher.submit(rows(3), "b")).get(10, TimeUnit.SECONDS);

            Attributes http = Attributes.of(IngestTelemetry.SOURCE, "http.metrics");
            var sizes = reader.collectAllMetrics().stream()
                    .filter(m -> m.getName().equals(IngestTelemetry.PREFIX + "batch.size"))
                    .flatMap(m -> m.getHistogramData().getPoints().stream())
                    .filter(p -> p.getAttributes().equals(http))
                    .toList();
            assertThat(sizes).singleElement().satisfies(p -> {
                assertThat(p.getCount()).isEqualTo(1);
                assertThat(p.getSum()).isEqualTo(4.0);
            });
        }
    }

    @Test
    void aRequestLargerThanTheCapIsAdmittedWhenNothingWaitsAndEmptyRequestsNeedNoInsert() throws Exception {
        batcher = new HttpWriteBatcher(recording, 2, Duration.ZERO, 4, IngestTelemetry.noop());

        batcher.submit(rows(10), "big").get(10, TimeUnit.SECONDS);
        batcher.submit(List.of(), null).get(10, TimeUnit.SECONDS);

        assertThat(inserts).containsExactly(new Insert(10, "big"));
    }

    @Test
    void survivesAWriterThatThrowsAnErrorAndRefusesAfterClose() throws Exception {
        int[] calls = {0};
        batcher = new HttpWriteBatcher((rows, token) -> {
            if (calls[0]++ == 0) {
                throw new AssertionError("boom");
            }
        }, 10, Duration.ZERO, 100, IngestTelemetry.noop());

        assertThatThrownBy(() -> batcher.submit(rows(1), "x").get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(AssertionError.class);
        batcher.submit(rows(1), "y").get(10, TimeUnit.SECONDS);
        batcher.close(Duration.ofSeconds(5));

        assertThat(batcher.submit(rows(1), "z")).isCompletedExceptionally();
        assertThatThrownBy(() -> batcher.submit(rows(1), "z").join())
                .hasCauseInstanceOf(HttpWriteBatcher.OverloadedException.class);
        assertThat(batcher.inserts()).isEqualTo(2);
    }
}
