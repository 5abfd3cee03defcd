package io.leakwatch.ingest;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.testing.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real embedded store goes away mid-stream (its engine closed: every insert fails with a retryable
 * error) and comes back (reopened on the same data directory); the consumer must pause, retry with backoff
 * and, once the store is back, store every point exactly once.
 */
class KafkaStoreOutageTest {
    private static final int RECORDS = 600;
    private static final int POINTS_PER_RECORD = 5;

    @Test
    void anEngineClosedForAWhileThenReopenedLosesAndDuplicatesNothing(@TempDir Path dataDir) throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "outage-" + id;
        broker.createTopic(topic, 2);
        broker.createTopic(topic + "-dlq", 1);
        IngestConfig.KafkaConfig config = IngestConfig.KafkaConfig.of(broker.bootstrapServers())
                .withTopics(topic, topic + "-dlq", "outage-" + id)
                .withClientProperties(Map.of("max.poll.records", "5"))
                .withRetryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .withBatching(5, Duration.ZERO);
        long startNanos = (System.currentTimeMillis() - 3_600_000L) * 1_000_000L;
        StoreConfig storeConfig = StoreConfig.embedded(dataDir, ChdbLibrary.locate());
        AtomicReference<Store> current = new AtomicReference<>(Store.open(storeConfig));
        MetricWriter writer = (rows, token) -> current.get().writer().write(rows, token);

        try (var producer = new KafkaProducer<byte[], byte[]>(broker.producerProps());
             KafkaMetricsConsumer consumer = KafkaMetricsConsumer.start(config,
                     new OtlpMetricsDecoder(DecodeLimits.defaults()), writer)) {
            for (int i = 0; i < RECORDS; i++) {
                String instance = "o-" + i;
                producer.send(new ProducerRecord<>(topic, instance.getBytes(StandardCharsets.UTF_8),
                        OtlpFixtures.heapAfterGc(instance, POINTS_PER_RECORD, i, startNanos).toByteArray()));
                if (i == RECORDS / 3) {
                    producer.flush();
                    await().atMost(Duration.ofSeconds(60)).until(() -> consumer.rowsWritten() > 0);
                    current.get().close(); // the outage starts while records keep arriving
                }
            }
            producer.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> consumer.storeRetries() >= 3);
            long writtenDuringOutage = consumer.rowsWritten();
            current.set(Store.open(storeConfig));

            await().atMost(Duration.ofSeconds(120)).until(() -> consumer.recordsConsumed() >= RECORDS
                    && consumer.rowsWritten() >= (long) RECORDS * POINTS_PER_RECORD);
            assertThat(writtenDuringOutage).isLessThan((long) RECORDS * POINTS_PER_RECORD);
            assertThat(consumer.deadLettered()).isZero();
            String[] counts = new String(current.get().engine().query(
                    "SELECT count(), uniqExact(series_id, ts) FROM series_values",
                    Map.of(), "TabSeparated"), StandardCharsets.UTF_8).strip().split("\t");
            assertThat(counts).containsExactly(Integer.toString(RECORDS * POINTS_PER_RECORD),
                    Integer.toString(RECORDS * POINTS_PER_RECORD));
        } finally {
            current.get().close();
        }
    }
}
