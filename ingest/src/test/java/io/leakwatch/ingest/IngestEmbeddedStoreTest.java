package io.leakwatch.ingest;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.InstanceInfo;
import io.leakwatch.store.SeriesPoint;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.testing.KafkaBroker;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Both inputs through {@link Ingest} into the real embedded store, read back through its queries. */
class IngestEmbeddedStoreTest {
    private static final String METRIC = "jvm.memory.used_after_last_gc";

    @Test
    void otlpHttpAndKafkaPointsBecomeQueryableRows(@TempDir Path dataDir) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        broker.createTopic("metrics-" + id, 1);
        broker.createTopic("dlq-" + id, 1);
        IngestConfig config = IngestConfig.defaults()
                .withHttp(IngestConfig.HttpConfig.defaults().withListen("127.0.0.1", 0))
                .withKafka(IngestConfig.KafkaConfig.of(broker.bootstrapServers())
                        .withTopics("metrics-" + id, "dlq-" + id, "ingest-" + id));
        long nowMillis = System.currentTimeMillis();
        long startNanos = (nowMillis - 60_000) * 1_000_000L;

        Vertx vertx = Vertx.vertx();
        try (Store store = Store.open(StoreConfig.embedded(dataDir, ChdbLibrary.locate()))) {
            Ingest ingest = Ingest.start(vertx, config, store.writer(), store::ready)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            try (ingest; var producer = new KafkaProducer<byte[], byte[]>(broker.producerProps())) {
                HttpResponse<String> response = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.httpPort() + "/v1/metrics"))
                                .header("Content-Type", "application/x-protobuf")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(
                                        OtlpFixtures.heapAfterGc("http-" + id, 5, 100, startNanos).toByteArray()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                producer.send(new ProducerRecord<>("metrics-" + id, ("kafka-" + id).getBytes(StandardCharsets.UTF_8),
                        OtlpFixtures.heapAfterGc("kafka-" + id, 5, 200, startNanos).toByteArray())).get();

                long from = nowMillis - 3_600_000;
                long to = nowMillis + 3_600_000;
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        store.queries().series("kafka-" + id, METRIC, Map.of(), from, to, 100).size() == 5);
                List<SeriesPoint> http = store.queries().series("http-" + id, METRIC,
                        Map.of("jvm.memory.pool.name", "G1 Old Gen"), from, to, 100);
                List<SeriesPoint> kafka = store.queries().series("kafka-" + id, METRIC, Map.of(), from, to, 100);

                assertThat(http).extracting(SeriesPoint::value).containsExactly(100.0, 101.0, 102.0, 103.0, 104.0);
                assertThat(http.getFirst().timeMillis()).isEqualTo(startNanos / 1_000_000L);
                assertThat(kafka).extracting(SeriesPoint::value).containsExactly(200.0, 201.0, 202.0, 203.0, 204.0);
                assertThat(store.queries().instances(from, to, 100)).extracting(InstanceInfo::instance)
                        .contains("http-" + id, "kafka-" + id);
                assertThat(store.queries().instances(from, to, 100))
                        .filteredOn(i -> i.instance().equals("kafka-" + id)).singleElement()
                        .satisfies(i -> {
                            assertThat(i.service()).isEqualTo("checkout");
                            assertThat(i.version()).isEqualTo("1.2.3");
                            assertThat(i.points()).isEqualTo(5);
                        });
                await().atMost(Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.httpPort() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
