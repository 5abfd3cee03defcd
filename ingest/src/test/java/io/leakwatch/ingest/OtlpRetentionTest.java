package io.leakwatch.ingest;

import io.leakwatch.store.MetricRow;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Points older than the store's retention would be deleted by its TTL as soon as they landed: with a retention
 * configured they are refused as rejected points, named in the partial-success reply, and the rest is kept.
 */
class OtlpRetentionTest {
    private static final Duration RETENTION = Duration.ofDays(30);
    private static final long DAY_NANOS = 86_400_000_000_000L;

    @Test
    void pointsOlderThanTheRetentionAreRejectedWithAReasonAndTheRestKept() {
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        ExportMetricsServiceRequest old = OtlpFixtures.heapAfterGc("i-old", 3, 1, nowNanos - 40 * DAY_NANOS);
        ExportMetricsServiceRequest recent = OtlpFixtures.heapAfterGc("i-new", 2, 100, nowNanos - DAY_NANOS);
        ExportMetricsServiceRequest both = old.toBuilder().addAllResourceMetrics(recent.getResourceMetricsList()).build();

        DecodedMetrics decoded = new OtlpMetricsDecoder(DecodeLimits.defaults().withRetention(RETENTION))
                .decodeProtobuf(both.toByteArray());

        assertThat(decoded.rows()).extracting(MetricRow::instance).containsOnly("i-new").hasSize(2);
        assertThat(decoded.rejectedPoints()).isEqualTo(3);
        assertThat(decoded.rejectionReason()).startsWith("3 data points older than the retention of 30 days (before ")
                .endsWith(") are not stored");
    }

    @Test
    void withoutARetentionOldPointsAreKeptAsBefore() {
        DecodedMetrics decoded = new OtlpMetricsDecoder(DecodeLimits.defaults())
                .decodeProtobuf(OtlpFixtures.heapAfterGc("i-2023", 3, 1).toByteArray());

        assertThat(decoded.rows()).hasSize(3);
        assertThat(decoded.rejectedPoints()).isZero();
    }

    @Test
    void theConformanceExampleFrom2018IsAcceptedWithItsPointsReportedAsBeyondRetention() throws Exception {
        FakeMetricWriter writer = new FakeMetricWriter();
        Vertx vertx = Vertx.vertx();
        OtlpHttpReceiver receiver = new OtlpHttpReceiver(vertx,
                IngestConfig.HttpConfig.defaults().withListen("127.0.0.1", 0),
                new OtlpMetricsDecoder(DecodeLimits.defaults().withRetention(RETENTION)), writer, () -> true);
        try {
            int port = receiver.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/metrics"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(OtlpMetricsDecoderTest.conformanceJson()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

            assertThat(response.statusCode()).isEqualTo(200);
            JsonObject partial = new JsonObject(response.body()).getJsonObject("partialSuccess");
            assertThat(Long.parseLong(String.valueOf(partial.getValue("rejectedDataPoints")))).isEqualTo(3);
            assertThat(partial.getString("errorMessage")).contains("older than the retention of 30 days");
            assertThat(writer.rows()).isEmpty();
            assertThat(receiver.pointsRejected()).isEqualTo(3);
        } finally {
            receiver.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
