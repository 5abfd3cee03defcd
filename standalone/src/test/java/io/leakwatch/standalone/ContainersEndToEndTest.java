package io.leakwatch.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end path against the servers a scaled-out deployment uses, started by Testcontainers from the
 * images docker-compose.yml names: Kafka (KRaft) and a ClickHouse server. Ingest and query-api run as
 * separate roles in this JVM, pointed at the containers exactly as the compose file points them; records
 * produced to Kafka must come back through the REST API, each point exactly once.
 *
 * <p>Runs by default where a Docker engine answers and is skipped with one line elsewhere (this CI machine
 * has none). {@code ./mvnw -pl standalone -Pcontainers test} runs only this suite.
 */
@Tag("containers")
@ExtendWith(DockerEngineCondition.class)
class ContainersEndToEndTest {
    private static final String KAFKA_IMAGE = "apache/kafka:4.4.0";
    private static final String CLICKHOUSE_IMAGE = "clickhouse/clickhouse-server:25.8";
    private static final String TOPIC = "leakwatch.metrics";
    private static final String INSTANCE = "containers-e2e-1";
    private static final int POINTS = 30;

    private static KafkaContainer kafka;
    private static GenericContainer<?> clickhouse;

    @TempDir
    static Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startContainers() {
        kafka = new KafkaContainer(KAFKA_IMAGE);
        clickhouse = new GenericContainer<>(CLICKHOUSE_IMAGE)
                .withExposedPorts(8123)
                .withEnv("CLICKHOUSE_USER", "leakwatch")
                .withEnv("CLICKHOUSE_PASSWORD", "leakwatch")
                .withEnv("CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", "1")
                .waitingFor(Wait.forHttp("/ping").forPort(8123).forStatusCode(200))
                .withStartupTimeout(Duration.ofMinutes(3));
        kafka.start();
        clickhouse.start();
    }

    @AfterAll
    static void stopContainers() {
        if (clickhouse != null) {
            clickhouse.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void pointsProducedToKafkaAreServedOnceFromTheClickHouseServer() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        String url = "http://" + clickhouse.getHost() + ":" + clickhouse.getMappedPort(8123);
        StandaloneConfig config = new StandaloneConfig(dataDir, "127.0.0.1", 0, 0, 0, kafka.getBootstrapServers(),
                TOPIC, "leakwatch-ingest", null, url, "leakwatch", "leakwatch", "default", Duration.ofMinutes(60),
                false, "", "");
        long base = Instant.now().minusSeconds(600).toEpochMilli() / 1000 * 1000;
        try (Standalone ingest = Standalone.start(config, EnumSet.of(Standalone.Role.INGEST), quiet());
             Standalone api = Standalone.start(config, EnumSet.of(Standalone.Role.QUERY_API), quiet());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
            for (int p = 0; p < POINTS; p++) {
                producer.send(new ProducerRecord<>(TOPIC, INSTANCE.getBytes(StandardCharsets.UTF_8),
                        OldGenPoints.request("billing", INSTANCE, base + p * 1000L, 1_000_000d + p).toByteArray()));
            }
            producer.flush();

            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    assertThat(points(api, base)).isEqualTo(POINTS));
            JsonObject series = new JsonObject(get(api, "/api/v1/series?instance=" + INSTANCE
                    + "&metric=jvm.memory.used_after_last_gc&from=" + (base - 60_000) + "&to=" + (base + 3_600_000)));
            JsonArray values = series.getJsonArray("series").getJsonObject(0).getJsonArray("points");
            assertThat(values).hasSize(POINTS);
            assertThat(values.getJsonArray(0).getDouble(1)).isEqualTo(1_000_000d);
        }
    }

    private long points(Standalone api, long base) throws Exception {
        JsonArray listed = new JsonArray(get(api, "/api/v1/instances?from=" + (base - 60_000)
                + "&to=" + (base + 3_600_000)));
        for (int i = 0; i < listed.size(); i++) {
            if (INSTANCE.equals(listed.getJsonObject(i).getString("instance"))) {
                return listed.getJsonObject(i).getLong("points");
            }
        }
        return 0;
    }

    private String get(Standalone api, String pathAndQuery) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.httpPort() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return props;
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
