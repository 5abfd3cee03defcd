package io.leakwatch.ingest.jfr;

import io.leakwatch.ingest.Ingest;
import io.leakwatch.ingest.IngestConfig;
import io.leakwatch.ingest.IngestTelemetry;
import io.leakwatch.store.jfr.JfrSnapshotRows;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JFR snapshots over HTTP, through {@link Ingest} started with a telemetry instance (the launcher's wiring
 * point): a stored snapshot and a refused one show up in {@code leakwatch.ingest.jfr.snapshots}.
 */
class JfrTelemetryTest {
    @TempDir
    Path dir;

    @Test
    void storedAndRefusedSnapshotsAreCountedWithTheirOutcome() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        List<JfrSnapshotRows> stored = new ArrayList<>();
        Vertx vertx = Vertx.vertx();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            Ingest ingest = Ingest.start(vertx, IngestConfig.defaults().withHttp(IngestConfig.HttpConfig.defaults()
                                    .withListen("127.0.0.1", 0)), (rows, token) -> { }, () -> true,
                            (snapshots, token) -> {
                                synchronized (stored) {
                                    stored.addAll(snapshots);
                                }
                            }, JfrIngestConfig.defaults(), IngestTelemetry.create(provider))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try {
                URI uri = URI.create("http://127.0.0.1:" + ingest.httpPort() + JfrHttpReceiver.PATH);
                byte[] good = JfrRecordings.envelope("tel-" + System.nanoTime(), dir, () -> JfrRecordings.churn(1));
                assertThat(post(uri, good).statusCode()).isEqualTo(200);
                assertThat(post(uri, "not an envelope".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
            } finally {
                ingest.close();
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }

            Collection<MetricData> metrics = reader.collectAllMetrics();
            Attributes http = Attributes.of(IngestTelemetry.SOURCE, "http.jfr");
            assertThat(sum(metrics, "jfr.snapshots", http.toBuilder().put(IngestTelemetry.OUTCOME, "stored").build())).isEqualTo(1);
            assertThat(sum(metrics, "jfr.snapshots", http.toBuilder().put(IngestTelemetry.OUTCOME, "rejected").build())).isEqualTo(1);
            assertThat(sum(metrics, "records", http)).isEqualTo(2);
            assertThat(sum(metrics, "rows", http)).isEqualTo(1);
            assertThat(stored).hasSize(1);
        }
    }

    private static HttpResponse<String> post(URI uri, byte[] body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Content-Type", JfrHttpReceiver.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long sum(Collection<MetricData> metrics, String name, Attributes attributes) {
        return metrics.stream().filter(m -> m.getName().equals(IngestTelemetry.PREFIX + name))
                .flatMap(m -> m.getLongSumData().getPoints().stream())
                .filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(LongPointData::getValue)
                .sum();
    }
}
