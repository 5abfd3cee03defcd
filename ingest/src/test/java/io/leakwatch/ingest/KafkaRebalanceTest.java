package io.leakwatch.ingest;

import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.StoreException;
import io.leakwatch.testing.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas in one consumer group on a real broker, with records arriving all the time: B joins while
 * A is consuming (first rebalance), then A leaves while B is consuming (second rebalance, A abandoning
 * whatever batches it had in flight). Just before A leaves, its inserts start to land while their replies
 * are lost (a retryable error after the write), so A leaves with committed intents whose rows are already
 * stored; B must replay those batches with the same tokens. Every record's rows must be stored exactly
 * once after the store's token deduplication: nothing lost at either hand-over, nothing doubled by a replay.
 */
class KafkaRebalanceTest {
    private static final int PARTITIONS = 4;
    private static final int RECORDS = 1_500;
    private static final int POINTS_PER_RECORD = 2;

    private final KafkaBroker broker = KafkaBroker.shared();
    private final FakeMetricWriter store = new FakeMetricWriter();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    @Test
    void aReplicaJoiningAndAnotherLeavingMidStreamLoseAndDuplicateNothing() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "rebalance-" + id;
        broker.createTopic(topic, PARTITIONS);
        broker.createTopic("rebalance-dlq-" + id, 1);
        // Small polls keep each replica's batches small and numerous, so both hand-overs land mid-stream.
        IngestConfig.KafkaConfig config = IngestConfig.KafkaConfig.of(broker.bootstrapServers())
                .withTopics(topic, "rebalance-dlq-" + id, "rebalance-" + id)
                .withClientProperties(Map.of("max.poll.records", "10"))
                .withBatching(10, Duration.ZERO)
                .withRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));

        // A steady stream, paced only by each send's acknowledgement.
        AtomicInteger produced = new AtomicInteger();
        AtomicReference<Throwable> producerFailure = new AtomicReference<>();
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.producerProps());
        toClose.add(producer);
        Thread producing = Thread.ofPlatform().name("rebalance-test-producer").daemon().start(() -> {
            try {
                for (int i = 0; i < RECORDS; i++) {
                    String instance = "r-" + i;
                    producer.send(new ProducerRecord<>(topic, instance.getBytes(StandardCharsets.UTF_8),
                            OtlpFixtures.heapAfterGc(instance, POINTS_PER_RECORD, i).toByteArray())).get();
                    produced.incrementAndGet();
                }
            } catch (Throwable e) {
                producerFailure.set(e);
            }
        });

        AtomicLong rowsByA = new AtomicLong();
        AtomicLong rowsByB = new AtomicLong();
        AtomicBoolean aRepliesLost = new AtomicBoolean();
        Set<String> landedUnconfirmed = ConcurrentHashMap.newKeySet();
        Set<String> writtenByB = ConcurrentHashMap.newKeySet();
        MetricWriter countingA = counting(rowsByA);
        KafkaMetricsConsumer a = start(config, (rows, token) -> {
            countingA.write(rows, token);
            if (aRepliesLost.get()) {
                landedUnconfirmed.add(token);
                throw new StoreException("simulated: insert landed, reply lost", true);
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> rowsByA.get() > 0 && produced.get() >= RECORDS / 4);

        MetricWriter countingB = counting(rowsByB);
        KafkaMetricsConsumer b = start(config, (rows, token) -> {
            countingB.write(rows, token);
            writtenByB.add(token);
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> a.assigned() && b.assigned() && rowsByB.get() > 0);
        int producedWhenBothOwned = produced.get();

        await().atMost(Duration.ofSeconds(60)).until(() -> produced.get() >= Math.max(producedWhenBothOwned + 100, RECORDS * 2 / 3));
        long aBeforeLeaving = rowsByA.get();
        aRepliesLost.set(true);
        await().atMost(Duration.ofSeconds(60)).until(() -> !landedUnconfirmed.isEmpty());
        a.close();
        int producedWhenALeft = produced.get();

        producing.join(Duration.ofSeconds(120));
        assertThat(producerFailure.get()).isNull();
        assertThat(produced.get()).isEqualTo(RECORDS);
        await().atMost(Duration.ofSeconds(120)).until(() -> store.rows().size() >= RECORDS * POINTS_PER_RECORD);

        // The hand-overs really happened mid-stream, with records still arriving.
        assertThat(producedWhenBothOwned).isLessThan(RECORDS);
        assertThat(producedWhenALeft).isLessThan(RECORDS);
        assertThat(aBeforeLeaving).isPositive();
        assertThat(rowsByB.get()).isPositive();
        // B replayed A's unconfirmed batches under their original tokens, and the store dropped the repeats.
        assertThat(writtenByB).containsAll(landedUnconfirmed);
        assertThat(store.calls()).isGreaterThan(store.tokens().size());
        await().atMost(Duration.ofSeconds(30)).until(() -> b.assigned() && !a.assigned());

        List<MetricRow> rows = store.rows();
        Map<String, Long> perRecord = rows.stream().collect(Collectors.groupingBy(MetricRow::instance, Collectors.counting()));
        assertThat(perRecord).hasSize(RECORDS);
        assertThat(perRecord.values()).allMatch(n -> n == POINTS_PER_RECORD);
        assertThat(rows).hasSize(RECORDS * POINTS_PER_RECORD);
        assertThat(store.tokens()).doesNotHaveDuplicates()
                .allMatch(t -> t.matches(topic + "-[0-3]-\\d+-\\d+"));
        // Tokens are offset ranges: per partition they must tile the offsets without overlap.
        Map<String, List<long[]>> ranges = store.tokens().stream().collect(Collectors.groupingBy(
                t -> t.substring(0, t.lastIndexOf('-', t.lastIndexOf('-') - 1)),
                Collectors.mapping(t -> {
                    String[] parts = t.split("-");
                    return new long[] {Long.parseLong(parts[parts.length - 2]), Long.parseLong(parts[parts.length - 1])};
                }, Collectors.toList())));
        ranges.values().forEach(KafkaRebalanceTest::assertTiled);
    }

    private static void assertTiled(List<long[]> ranges) {
        List<long[]> sorted = ranges.stream().sorted((x, y) -> Long.compare(x[0], y[0])).toList();
        assertThat(sorted.getFirst()[0]).isZero();
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i)[0]).as("range after %d-%d", sorted.get(i - 1)[0], sorted.get(i - 1)[1])
                    .isEqualTo(sorted.get(i - 1)[1] + 1);
        }
    }

    /** The shared store, seen through one replica: counts the rows of this replica's successful inserts. */
    private MetricWriter counting(AtomicLong rowsWritten) {
        return (rows, token) -> {
            store.write(rows, token);
            rowsWritten.addAndGet(rows.size());
        };
    }

    private KafkaMetricsConsumer start(IngestConfig.KafkaConfig config, MetricWriter writer) {
        KafkaMetricsConsumer c = KafkaMetricsConsumer.start(config, new OtlpMetricsDecoder(DecodeLimits.defaults()), writer);
        toClose.add(c);
        return c;
    }
}
