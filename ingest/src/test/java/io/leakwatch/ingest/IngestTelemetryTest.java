package io.leakwatch.ingest;

import io.leakwatch.store.MetricWriter;
import io.leakwatch.testing.KafkaBroker;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.leakwatch.ingest.OtlpFixtures.T0_NANOS;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Ingest's own metrics, read back from an in-memory SDK reader after real traffic. */
class IngestTelemetryTest {
    private static final Attributes HTTP = Attributes.of(IngestTelemetry.SOURCE, "http.metrics");
    private static final Attributes KAFKA = Attributes.of(IngestTelemetry.SOURCE, "kafka.metrics");

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    private final IngestTelemetry telemetry = IngestTelemetry.create(provider);
    private final FakeMetricWriter writer = new FakeMetricWriter();

    @AfterEach
    void closeProvider() {
        telemetry.close();
        provider.close();
    }

    @Test
    void theHttpReceiverReportsRequestsRowsBatchSizesLatencyAndRefusedPoints() throws Exception {
        Vertx vertx = Vertx.vertx();
        OtlpHttpReceiver receiver = new OtlpHttpReceiver(vertx,
                IngestConfig.HttpConfig.defaults().withListen("127.0.0.1", 0),
                new OtlpMetricsDecoder(DecodeLimits.defaults()), writer, () -> true, telemetry);
        try {
            int port = receiver.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + "/v1/metrics");
            Metric halfBad = Metric.newBuilder().setName("jvm.thread.count").setGauge(Gauge.newBuilder()
                            .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS).setAsInt(12))
                            .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS)))
                    .build();
            List<byte[]> bodies = List.of(OtlpFixtures.heapAfterGc("h-1", 3, 1).toByteArray(),
                    OtlpFixtures.heapAfterGc("h-2", 5, 1).toByteArray(),
                    OtlpFixtures.request("h-3", halfBad).toByteArray());
            for (byte[] body : bodies) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
            }
            writer.failNext(1, true);
            HttpResponse<byte[]> failed = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(OtlpFixtures.heapAfterGc("h-4", 2, 1).toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(failed.statusCode()).isEqualTo(503);
        } finally {
            receiver.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        Collection<MetricData> metrics = reader.collectAllMetrics();
        assertThat(sum(metrics, "records", HTTP)).isEqualTo(4);
        assertThat(sum(metrics, "rows", HTTP)).isEqualTo(3 + 5 + 1);
        assertThat(sum(metrics, "points.rejected", HTTP)).isEqualTo(1);
        HistogramPointData sizes = histogram(metrics, "batch.size", HTTP).orElseThrow();
        assertThat(sizes.getCount()).isEqualTo(3);
        assertThat(sizes.getSum()).isEqualTo(9.0);
        assertThat(sizes.getMin()).isEqualTo(1.0);
        assertThat(sizes.getMax()).isEqualTo(5.0);
        assertThat(histogram(metrics, "insert.duration", HTTP.toBuilder().put(IngestTelemetry.OUTCOME, "ok").build())
                .orElseThrow().getCount()).isEqualTo(3);
        assertThat(histogram(metrics, "insert.duration", HTTP.toBuilder().put(IngestTelemetry.OUTCOME, "error").build())
                .orElseThrow().getCount()).isEqualTo(1);
        MetricData duration = metric(metrics, "insert.duration").orElseThrow();
        assertThat(duration).hasUnit("s");
    }

    @Test
    void theKafkaConsumerReportsRecordsRowsDeadLettersRetriesAndLagPerPartition() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "telemetry-" + id;
        String dlq = "telemetry-dlq-" + id;
        broker.createTopic(topic, 2);
        broker.createTopic(dlq, 1);
        IngestConfig.KafkaConfig config = IngestConfig.KafkaConfig.of(broker.bootstrapServers())
                .withTopics(topic, dlq, "telemetry-" + id)
                .withRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.producerProps())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null,
                        OtlpFixtures.heapAfterGc("k-" + i, 2, i).toByteArray())).get();
            }
            producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {(byte) 0xff, 0x01, 0x02})).get();
        }
        writer.failNext(2, true);

        KafkaMetricsConsumer consumer = KafkaMetricsConsumer.start(config,
                new OtlpMetricsDecoder(DecodeLimits.defaults()), writer, telemetry);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.rows().size() == 20 && consumer.deadLettered() == 1);
            // Lag is sampled at most once a second from the client's fetch state; it settles at zero.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Collection<MetricData> m = reader.collectAllMetrics();
                for (int p = 0; p < 2; p++) {
                    assertThat(gauge(m, "consumer.lag", Attributes.of(IngestTelemetry.TOPIC, topic,
                            IngestTelemetry.PARTITION, Integer.toString(p)))).hasValue(0L);
                }
            });
        } finally {
            consumer.close();
        }

        Collection<MetricData> metrics = reader.collectAllMetrics();
        assertThat(sum(metrics, "records", KAFKA)).isEqualTo(11);
        assertThat(sum(metrics, "rows", KAFKA)).isEqualTo(20);
        assertThat(sum(metrics, "dlq.records", KAFKA)).isEqualTo(1);
        assertThat(sum(metrics, "store.retries", KAFKA)).isEqualTo(2);
        HistogramPointData sizes = histogram(metrics, "batch.size", KAFKA).orElseThrow();
        assertThat((long) sizes.getSum()).isEqualTo(20);
        assertThat(sizes.getCount()).isBetween(2L, 11L);
        assertThat(histogram(metrics, "insert.duration", KAFKA.toBuilder().put(IngestTelemetry.OUTCOME, "error").build())
                .orElseThrow().getCount()).isEqualTo(2);
    }

    @Test
    void requestsRefusedWith429ByTheBatcherAreCounted() throws Exception {
        CountDownLatch inserting = new CountDownLatch(1);
        CountDownLatch mayInsert = new CountDownLatch(1);
        MetricWriter gated = (rows, token) -> {
            inserting.countDown();
            try {
                mayInsert.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Vertx vertx = Vertx.vertx();
        // Room for one request's 3 rows: while they are being inserted, every further request is refused.
        OtlpHttpReceiver receiver = new OtlpHttpReceiver(vertx, IngestConfig.HttpConfig.defaults()
                .withListen("127.0.0.1", 0).withBatching(3, Duration.ZERO, 3),
                new OtlpMetricsDecoder(DecodeLimits.defaults()), gated, () -> true, telemetry);
        try {
            int port = receiver.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + "/v1/metrics");
            java.util.function.Function<String, HttpRequest> post = instance -> HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(OtlpFixtures.heapAfterGc(instance, 3, 1).toByteArray()))
                    .build();
            var first = http.sendAsync(post.apply("t-1"), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(inserting.await(30, TimeUnit.SECONDS)).isTrue();
            for (String instance : List.of("t-2", "t-3")) {
                assertThat(http.send(post.apply(instance), HttpResponse.BodyHandlers.ofByteArray()).statusCode())
                        .isEqualTo(429);
            }
            mayInsert.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        } finally {
            mayInsert.countDown();
            receiver.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        Collection<MetricData> metrics = reader.collectAllMetrics();
        assertThat(sum(metrics, "requests.throttled", HTTP)).isEqualTo(2);
        assertThat(metric(metrics, "requests.throttled").orElseThrow()).hasUnit("{request}");
        assertThat(sum(metrics, "records", HTTP)).isEqualTo(3);
        assertThat(sum(metrics, "rows", HTTP)).isEqualTo(3);
    }

    @Test
    void theNoopTelemetryAcceptsEverythingAndRecordsNothing() {
        IngestTelemetry noop = IngestTelemetry.noop();
        noop.recordsReceived(IngestTelemetry.Source.KAFKA_JFR, 3);
        noop.inserted(IngestTelemetry.Source.KAFKA_JFR, 3, 1_000);
        noop.lag("t", 0, 5);
        noop.jfrSnapshots(IngestTelemetry.Source.HTTP_JFR, 1, false);
        assertThat(reader.collectAllMetrics()).noneMatch(m -> m.getName().endsWith("jfr.snapshots"));
    }

    @Test
    void jfrSnapshotsAndLagOfARevokedPartitionAreReportedAsSuch() {
        telemetry.jfrSnapshots(IngestTelemetry.Source.HTTP_JFR, 2, true);
        telemetry.jfrSnapshots(IngestTelemetry.Source.HTTP_JFR, 1, false);
        telemetry.lag("t", 3, 42);
        telemetry.lag("t", 4, 7);
        telemetry.forgetLag("t", 4);

        Collection<MetricData> metrics = reader.collectAllMetrics();
        Attributes httpJfr = Attributes.of(IngestTelemetry.SOURCE, "http.jfr");
        assertThat(sum(metrics, "jfr.snapshots", httpJfr.toBuilder().put(IngestTelemetry.OUTCOME, "stored").build())).isEqualTo(2);
        assertThat(sum(metrics, "jfr.snapshots", httpJfr.toBuilder().put(IngestTelemetry.OUTCOME, "rejected").build())).isEqualTo(1);
        assertThat(gauge(metrics, "consumer.lag", Attributes.of(IngestTelemetry.TOPIC, "t", IngestTelemetry.PARTITION, "3")))
                .hasValue(42L);
        assertThat(gauge(metrics, "consumer.lag", Attributes.of(IngestTelemetry.TOPIC, "t", IngestTelemetry.PARTITION, "4")))
                .isEmpty();
    }

    private static Optional<MetricData> metric(Collection<MetricData> metrics, String name) {
        return metrics.stream().filter(m -> m.getName().equals(IngestTelemetry.PREFIX + name)).findFirst();
    }

    private static long sum(Collection<MetricData> metrics, String name, Attributes attributes) {
        return metric(metrics, name).stream()
                .flatMap(m -> m.getLongSumData().getPoints().stream())
                .filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(LongPointData::getValue)
                .sum();
    }

    private static Optional<HistogramPointData> histogram(Collection<MetricData> metrics, String name, Attributes attributes) {
        return metric(metrics, name).stream()
                .flatMap(m -> m.getHistogramData().getPoints().stream())
                .filter(p -> p.getAttributes().equals(attributes))
                .findFirst();
    }

    private static Optional<Long> gauge(Collection<MetricData> metrics, String name, Attributes attributes) {
        return metric(metrics, name).stream()
                .flatMap(m -> m.getLongGaugeData().getPoints().stream())
                .filter(p -> p.getAttributes().equals(attributes))
                .map(LongPointData::getValue)
                .findFirst();
    }
}
