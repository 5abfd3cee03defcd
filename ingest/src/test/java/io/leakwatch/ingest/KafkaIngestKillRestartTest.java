package io.leakwatch.ingest;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.testing.KafkaBroker;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka consumer runs in a child process writing into the real embedded store; it is killed with
 * SIGKILL mid-stream (no shutdown hook, no close, batches in flight), a second child is started on the same
 * data directory and consumes to the end. The store must then hold every produced point exactly once:
 * nothing lost by the kill, nothing doubled by the replay of the batch that was in flight.
 */
class KafkaIngestKillRestartTest {
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 2_000;
    private static final int POINTS_PER_RECORD = 5;

    private final KafkaBroker broker = KafkaBroker.shared();
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void killMinusNineMidStreamThenRestartLosesAndDuplicatesNothing(@TempDir Path tmp) throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "kill-" + id;
        String group = "kill-" + id;
        broker.createTopic(topic, PARTITIONS);
        broker.createTopic(topic + "-dlq", 1);
        Path dataDir = tmp.resolve("store");
        // Distinct points, inside the retention so no TTL can remove any of them.
        long startNanos = (System.currentTimeMillis() - 3_600_000L) * 1_000_000L;
        try (var producer = new KafkaProducer<byte[], byte[]>(broker.producerProps())) {
            for (int i = 0; i < RECORDS; i++) {
                String instance = "k-" + i;
                producer.send(new ProducerRecord<>(topic, instance.getBytes(StandardCharsets.UTF_8),
                        OtlpFixtures.heapAfterGc(instance, POINTS_PER_RECORD, i, startNanos).toByteArray()));
            }
            producer.flush();
        }

        // Small polls: hundreds of batches, so the kill lands between an intent and its confirmation or mid-insert.
        Process first = startChild(tmp.resolve("first.log"), topic, group, dataDir);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> committed(group) >= RECORDS / 4);
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long committedAtKill = committed(group);
        assertThat(committedAtKill).as("the kill came mid-stream").isLessThan(RECORDS);

        Process second = startChild(tmp.resolve("second.log"), topic, group, dataDir);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> committed(group) == RECORDS);
        stop(second);
        // Evidence for the reader of the test output: where the kill landed, and what the second child replayed.
        System.out.printf("killed with %d of %d records committed; second child: %s%n", committedAtKill, RECORDS,
                log(tmp.resolve("second.log")).lines().filter(l -> l.contains("replaying")).toList());
        assertThat(second.exitValue()).as(log(tmp.resolve("second.log"))).isZero();

        try (Store store = Store.open(StoreConfig.embedded(dataDir, ChdbLibrary.locate()))) {
            String[] counts = new String(store.engine().query(
                    "SELECT count(), uniqExact(series_id, ts), uniqExact(intDiv(series_id, 4294967296)) FROM series_values",
                    Map.of(), "TabSeparated"), StandardCharsets.UTF_8).strip().split("\t");
            assertThat(counts).as("rows, distinct points, distinct instances")
                    .containsExactly(Integer.toString(RECORDS * POINTS_PER_RECORD),
                            Integer.toString(RECORDS * POINTS_PER_RECORD), Integer.toString(RECORDS));
        }
    }

    /** Sum of the group's committed offsets: the records confirmed as stored. */
    private long committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = broker.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private Process startChild(Path log, String topic, String group, Path dataDir) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), KafkaIngestChildMain.class.getName(),
                broker.bootstrapServers(), topic, topic + "-dlq", group, dataDir.toString(), "5")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        children.add(p);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("ingest child exited with " + p.exitValue() + ": " + log(log));
            }
            return log(log).contains(KafkaIngestChildMain.READY);
        });
        return p;
    }

    private static void stop(Process p) throws Exception {
        try (OutputStream in = p.getOutputStream()) {
            in.write((KafkaIngestChildMain.STOP + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child stopped on request").isTrue();
    }

    private static String log(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}
