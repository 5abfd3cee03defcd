package io.leakwatch.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leakwatch.testing.FreePorts;
import io.leakwatch.testing.KafkaBroker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas for real: one Kafka broker, one store served over ClickHouse's HTTP interface, two ingest roles
 * in one consumer group and two query-api roles. One ingest stops while records are still arriving; its
 * partitions move to the other, and afterwards every point produced is stored exactly once and both
 * query-api replicas give the same answers.
 */
class ReplicasTest {
    private static final int PARTITIONS = 4;
    private static final int INSTANCES = 8;
    private static final int POINTS_PER_PHASE = 15;
    private static final int PHASES = 3;
    private static final String METRIC = OldGenPoints.METRIC;
    
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Standalone> parts = new ArrayList<>();

    @TempDir
    Path dataDir;

    @AfterEach
    void stop() {
        // Services before the store they write to; the store (index 0) last.
        for (int i = parts.size() - 1; i >= 0; i--) {
            parts.get(i).close();
        }
    }

    @Test
    void twoIngestsShareTheTopicAcrossARebalanceAndTwoApisAnswerAlike() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "leakwatch.replicas." + run;
        String group = "leakwatch-ingest-replicas-" + run;
        broker.createTopic(topic, PARTITIONS);

        int clickhousePort = FreePorts.pick();
        parts.add(Standalone.start(config(clickhousePort, "", "", topic, group),
                EnumSet.noneOf(Standalone.Role.class), quiet()));
        String url = "http://127.0.0.1:" + clickhousePort;
        Standalone ingestA = start(config(0, url, broker.bootstrapServers(), topic, group), Standalone.Role.INGEST);
        Standalone ingestB = start(config(0, url, broker.bootstrapServers(), topic, group), Standalone.Role.INGEST);
        Standalone apiA = start(config(0, url, "", topic, group), Standalone.Role.QUERY_API);
        Standalone apiB = start(config(0, url, "", topic, group), Standalone.Role.QUERY_API);
        assertThat(ingestA).isNotSameAs(ingestB);

        // Both ingests must really share the partitions before the test means anything.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ConsumerGroupDescription description = describe(broker, group);
            assertThat(description.members()).hasSize(2)
                    .allSatisfy(m -> assertThat(m.assignment().topicPartitions()).isNotEmpty());
            assertThat(description.members().stream().mapToInt(ReplicasTest::partitionCount).sum())
                    .isEqualTo(PARTITIONS);
        });

        long base = Instant.now().minusSeconds(600).toEpochMilli() / 1000 * 1000;
        List<String> instances = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            instances.add("replica-" + run + "-" + i);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.producerProps())) {
            produce(producer, topic, instances, base, 0);
            await().atMost(Duration.ofSeconds(60)).until(() -> totalPoints(apiA, instances, base) > 0);
            // Stop one ingest mid-stream: right after a burst, while its batches are most likely in flight,
            // then keep producing into the rebalance.
            produce(producer, topic, instances, base, POINTS_PER_PHASE);
            ingestB.close();
            produce(producer, topic, instances, base, 2 * POINTS_PER_PHASE);
        }
        // The survivor took over every partition (the rebalance happened, not just a pause).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            ConsumerGroupDescription description = describe(broker, group);
            assertThat(description.members()).hasSize(1);
            assertThat(partitionCount(description.members().iterator().next())).isEqualTo(PARTITIONS);
        });

        int expectedPerInstance = PHASES * POINTS_PER_PHASE;
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(totalPoints(apiA, instances, base)).isGreaterThanOrEqualTo(INSTANCES * expectedPerInstance));

        Map<String, JsonObject> listedA = instancesById(apiA, base);
        Map<String, JsonObject> listedB = instancesById(apiB, base);
        for (String instance : instances) {
            assertThat(listedA.get(instance)).as(instance).isNotNull();
            assertThat(listedA.get(instance).getLong("points")).as("points of %s", instance)
                    .isEqualTo(expectedPerInstance);
            assertThat(listedA.get(instance).getString("service")).isEqualTo("billing");

            JsonObject seriesA = series(apiA, instance, base);
            JsonObject seriesB = series(apiB, instance, base);
            assertThat(seriesA).isEqualTo(seriesB);
            JsonArray groups = seriesA.getJsonArray("series");
            assertThat(groups).hasSize(1);
            JsonArray points = groups.getJsonObject(0).getJsonArray("points");
            List<Long> times = new ArrayList<>();
            for (int p = 0; p < points.size(); p++) {
                JsonArray pair = points.getJsonArray(p);
                times.add(pair.getLong(0));
                assertThat(pair.getDouble(1)).isEqualTo(value(instance, (int) ((pair.getLong(0) - base) / 1000)));
            }
            List<Long> expected = new ArrayList<>();
            for (int p = 0; p < expectedPerInstance; p++) {
                expected.add(base + p * 1000L);
            }
            assertThat(times).as("every point of %s exactly once", instance).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(listedB).isEqualTo(listedA);
    }

    private Standalone start(StandaloneConfig config, Standalone.Role role) throws Exception {
        Standalone part = Standalone.start(config, EnumSet.of(role), quiet());
        parts.add(part);
        return part;
    }

    /** One record per instance and second, keyed by instance so each instance stays on one partition. */
    private static void produce(KafkaProducer<byte[], byte[]> producer, String topic, List<String> instances,
                                long base, int firstPoint) throws Exception {
        for (int p = firstPoint; p < firstPoint + POINTS_PER_PHASE; p++) {
            for (String instance : instances) {
                byte[] value = OldGenPoints.request("billing", instance, base + p * 1000L, value(instance, p)).toByteArray();
                producer.send(new ProducerRecord<>(topic, instance.getBytes(StandardCharsets.UTF_8), value));
            }
        }
        producer.flush();
    }

    private static double value(String instance, int point) {
        return 1_000_000d * (1 + Integer.parseInt(instance.substring(instance.lastIndexOf('-') + 1))) + point;
    }

    private static ConsumerGroupDescription describe(KafkaBroker broker, String group) throws Exception {
        return broker.admin().describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
    }

    private static int partitionCount(MemberDescription member) {
        return member.assignment().topicPartitions().size();
    }

    private long totalPoints(Standalone api, List<String> instances, long base) throws Exception {
        Map<String, JsonObject> listed = instancesById(api, base);
        long total = 0;
        for (String instance : instances) {
            JsonObject info = listed.get(instance);
            total += info == null ? 0 : info.getLong("points");
        }
        return total;
    }

    private Map<String, JsonObject> instancesById(Standalone api, long base) throws Exception {
        JsonArray listed = new JsonArray(get(api, "/api/v1/instances?from=" + (base - 60_000)
                + "&to=" + (base + 3_600_000) + "&limit=1000"));
        Map<String, JsonObject> byId = new TreeMap<>();
        for (int i = 0; i < listed.size(); i++) {
            JsonObject info = listed.getJsonObject(i);
            byId.put(info.getString("instance"), info);
        }
        return byId;
    }

    private JsonObject series(Standalone api, String instance, long base) throws Exception {
        return new JsonObject(get(api, "/api/v1/series?instance=" + URLEncoder.encode(instance, StandardCharsets.UTF_8)
                + "&metric=" + METRIC + "&from=" + (base - 60_000) + "&to=" + (base + 3_600_000)));
    }

    private String get(Standalone api, String pathAndQuery) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.httpPort() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private StandaloneConfig config(int clickhouseHttpPort, String clickhouseUrl, String kafka, String topic,
                                    String group) {
        return new StandaloneConfig(dataDir, "127.0.0.1", 0, 0, clickhouseHttpPort, kafka, topic, group, null,
                clickhouseUrl, "default", "", "default", Duration.ofMinutes(60), false, "", "");
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
