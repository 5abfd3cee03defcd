package io.leakwatch.ingest;

import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.StoreException;
import io.leakwatch.testing.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer against a real broker: exactly-once rows across restarts, dead letters, store retries. */
class KafkaMetricsConsumerTest {
    private static final int POINTS_PER_RECORD = 3;

    private final KafkaBroker broker = KafkaBroker.shared();
    private final FakeMetricWriter writer = new FakeMetricWriter();
    private final List<KafkaMetricsConsumer> started = new ArrayList<>();
    private String topic;
    private String dlq;
    private IngestConfig.KafkaConfig config;
    private KafkaProducer<byte[], byte[]> producer;

    @BeforeEach
    void topics() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        topic = "metrics-" + id;
        dlq = "dlq-" + id;
        broker.createTopic(topic, 2);
        broker.createTopic(dlq, 1);
        config = IngestConfig.KafkaConfig.of(broker.bootstrapServers())
                .withTopics(topic, dlq, "ingest-" + id)
                .withRetryBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
        producer = new KafkaProducer<>(broker.producerProps());
    }

    @AfterEach
    void stop() {
        started.forEach(KafkaMetricsConsumer::close);
        producer.close();
    }

    private KafkaMetricsConsumer start(MetricWriter w) {
        KafkaMetricsConsumer c = KafkaMetricsConsumer.start(config, new OtlpMetricsDecoder(DecodeLimits.defaults()), w);
        started.add(c);
        return c;
    }

    /** Sends {@code n} records, each one instance's request with {@value #POINTS_PER_RECORD} points; returns their instance ids. */
    private List<String> produce(String prefix, int n) throws Exception {
        List<String> instances = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String instance = prefix + "-" + i;
            instances.add(instance);
            producer.send(new ProducerRecord<>(topic, instance.getBytes(StandardCharsets.UTF_8),
                    OtlpFixtures.heapAfterGc(instance, POINTS_PER_RECORD, i).toByteArray())).get();
        }
        return instances;
    }

    private static List<String> instancesOf(List<MetricRow> rows) {
        return rows.stream().map(MetricRow::instance).toList();
    }

    @Test
    void writesEveryRecordOnceWithOffsetRangeTokens() throws Exception {
        List<String> instances = produce("a", 20);
        KafkaMetricsConsumer consumer = start(writer);

        await().atMost(Duration.ofSeconds(60)).until(() -> writer.rows().size() == 20 * POINTS_PER_RECORD);

        assertThat(new HashSet<>(instancesOf(writer.rows()))).containsExactlyInAnyOrderElementsOf(instances);
        assertThat(writer.tokens()).allMatch(t -> t.matches(topic + "-[01]-\\d+-\\d+"));
        assertThat(consumer.recordsConsumed()).isEqualTo(20);
        assertThat(consumer.deadLettered()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(consumer::assigned);
    }

    @Test
    void cutsBatchesAtTheRecordLimitAndInsertsTheRestOnceItHasWaitedTheDelay() throws Exception {
        String single = topic + "-single";
        broker.createTopic(single, 1);
        for (int i = 0; i < 120; i++) {
            producer.send(new ProducerRecord<>(single, ("b-" + i).getBytes(StandardCharsets.UTF_8),
                    OtlpFixtures.heapAfterGc("b-" + i, POINTS_PER_RECORD, i).toByteArray()));
        }
        producer.flush();
        config = config.withTopics(single, dlq, "batching-" + single).withBatching(50, Duration.ofSeconds(2));
        start(writer);

        await().atMost(Duration.ofSeconds(60)).until(() -> writer.rows().size() == 120 * POINTS_PER_RECORD);

        assertThat(writer.tokens()).containsExactly(single + "-0-0-49", single + "-0-50-99", single + "-0-100-119");
    }

    @Test
    void replaysAnUnconfirmedBatchAfterARestartWithTheSameTokenSoNothingIsStoredTwice() throws Exception {
        // The first consumer's insert lands, then it "dies" before committing: every later write fails.
        AtomicBoolean crashed = new AtomicBoolean();
        List<String> crashedTokens = new ArrayList<>();
        MetricWriter crashing = (rows, token) -> {
            if (crashed.get()) {
                throw new IllegalStateException("simulated crash");
            }
            writer.write(rows, token);
            synchronized (crashedTokens) {
                crashedTokens.add(token);
            }
            crashed.set(true);
            throw new IllegalStateException("simulated crash after the insert, before the commit");
        };
        List<String> first = produce("b", 10);
        KafkaMetricsConsumer doomed = start(crashing);
        await().atMost(Duration.ofSeconds(60)).untilTrue(crashed);
        doomed.close();
        int storedBeforeRestart = writer.rows().size();
        assertThat(storedBeforeRestart).isPositive();

        // More records arrive while ingest is down, so the replay's first poll reaches past the old batch.
        List<String> second = produce("c", 10);
        int callsBefore = writer.calls();
        start(writer);

        await().atMost(Duration.ofSeconds(60)).until(() -> writer.rows().size() == 20 * POINTS_PER_RECORD);
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(instancesOf(writer.rows())).hasSize(20 * POINTS_PER_RECORD);
        assertThat(new HashSet<>(instancesOf(writer.rows()))).containsExactlyInAnyOrderElementsOf(all);
        // The replayed batch carried the token of the insert that had landed, and was dropped as a duplicate.
        assertThat(writer.calls() - callsBefore).isGreaterThan(writer.tokens().size() - crashedTokens.size());
        assertThat(writer.tokens()).doesNotHaveDuplicates().containsAll(crashedTokens);
    }

    @Test
    void sendsAGarbageRecordToTheDeadLetterTopicWithItsSourceAndKeepsGoing() throws Exception {
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x13, 0x37};
        var sent = producer.send(new ProducerRecord<>(topic, 0, "bad".getBytes(StandardCharsets.UTF_8), garbage)).get();
        List<String> good = produce("d", 4);
        KafkaMetricsConsumer consumer = start(writer);

        await().atMost(Duration.ofSeconds(60)).until(() -> writer.rows().size() == 4 * POINTS_PER_RECORD);
        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.deadLettered() == 1);

        assertThat(new HashSet<>(instancesOf(writer.rows()))).containsExactlyInAnyOrderElementsOf(good);
        Map<String, Object> props = broker.consumerProps("dlq-reader-" + UUID.randomUUID());
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(props)) {
            reader.subscribe(List.of(dlq));
            List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(letters::add);
                return !letters.isEmpty();
            });
            ConsumerRecord<byte[], byte[]> letter = letters.getFirst();
            assertThat(letter.value()).isEqualTo(garbage);
            assertThat(letter.key()).isEqualTo("bad".getBytes(StandardCharsets.UTF_8));
            assertThat(header(letter, KafkaMetricsConsumer.HEADER_SOURCE_TOPIC)).isEqualTo(topic);
            assertThat(header(letter, KafkaMetricsConsumer.HEADER_SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(letter, KafkaMetricsConsumer.HEADER_SOURCE_OFFSET)).isEqualTo(Long.toString(sent.offset()));
            assertThat(header(letter, KafkaMetricsConsumer.HEADER_REASON)).contains("OTLP");
        }
    }

    @Test
    void preparesRowsOnTheDecodingThreadsAndDeadLettersARecordTheWriterCannotPrepare() throws Exception {
        Set<String> preparingThreads = ConcurrentHashMap.newKeySet();
        AtomicInteger joins = new AtomicInteger();
        MetricWriter preparing = new MetricWriter() {
            @Override
            public void write(List<MetricRow> rows, String token) {
                writer.write(rows, token);
            }

            @Override
            public List<MetricRow> prepare(List<MetricRow> rows) {
                preparingThreads.add(Thread.currentThread().getName());
                if (rows.getFirst().instance().equals("p-2")) {
                    throw new StoreException("cannot encode", false);
                }
                return rows;
            }

            @Override
            public List<MetricRow> join(List<? extends List<MetricRow>> parts) {
                joins.incrementAndGet();
                return MetricWriter.super.join(parts);
            }
        };
        List<String> sent = produce("p", 5);
        KafkaMetricsConsumer consumer = start(preparing);

        await().atMost(Duration.ofSeconds(60)).until(() -> writer.rows().size() == 4 * POINTS_PER_RECORD
                && consumer.deadLettered() == 1);

        assertThat(new HashSet<>(instancesOf(writer.rows())))
                .containsExactlyInAnyOrderElementsOf(sent.stream().filter(i -> !i.equals("p-2")).toList());
        assertThat(preparingThreads).isNotEmpty().allMatch(t -> t.startsWith("leakwatch-otlp-decode-"));
        assertThat(joins.get()).isPositive();
    }

    @Test
    void losesNothingWhenTheStoreFailsRetryablySeveralTimes() throws Exception {
        writer.failNext(4, true);
        List<String> instances = produce("e", 12);
        KafkaMetricsConsumer consumer = start(writer);

        await().atMost(Duration.ofSeconds(60)).until(() -> writer.rows().size() == 12 * POINTS_PER_RECORD);

        assertThat(consumer.storeRetries()).isEqualTo(4);
        assertThat(writer.tokens()).doesNotHaveDuplicates();
        assertThat(new HashSet<>(instancesOf(writer.rows()))).containsExactlyInAnyOrderElementsOf(instances);
        assertThat(writer.rows()).hasSize(12 * POINTS_PER_RECORD);
    }

    @Test
    void deadLettersABatchTheStoreRefusesAndMovesOn() throws Exception {
        writer.failNext(1, false);
        producer.send(new ProducerRecord<>(topic, 0, null, OtlpFixtures.heapAfterGc("f-0", POINTS_PER_RECORD, 0).toByteArray())).get();
        KafkaMetricsConsumer consumer = start(writer);
        await().atMost(Duration.ofSeconds(60)).until(() -> consumer.deadLettered() == 1);

        producer.send(new ProducerRecord<>(topic, 0, null, OtlpFixtures.heapAfterGc("f-1", POINTS_PER_RECORD, 0).toByteArray())).get();

        await().atMost(Duration.ofSeconds(60)).until(() -> writer.rows().size() == POINTS_PER_RECORD);
        assertThat(instancesOf(writer.rows())).containsOnly("f-1");
        assertThat(consumer.storeRetries()).isZero();
    }

    @Test
    void twoConsumersInOneGroupShareTheWorkAndARebalanceLosesAndDuplicatesNothing() throws Exception {
        KafkaMetricsConsumer one = start(writer);
        List<String> sent = new ArrayList<>(produce("g1", 10));
        KafkaMetricsConsumer two = start(writer);
        sent.addAll(produce("g2", 10));
        await().atMost(Duration.ofSeconds(60)).until(() -> one.assigned() && two.assigned());
        sent.addAll(produce("g3", 10));
        one.close();
        sent.addAll(produce("g4", 10));

        await().atMost(Duration.ofSeconds(90)).until(() -> writer.rows().size() >= sent.size() * POINTS_PER_RECORD);
        assertThat(instancesOf(writer.rows())).hasSize(sent.size() * POINTS_PER_RECORD);
        assertThat(new HashSet<>(instancesOf(writer.rows()))).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(writer.tokens()).doesNotHaveDuplicates();
    }

    @Test
    void startsAndStopsCleanlyWhenNoBrokerAnswers() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        config = IngestConfig.KafkaConfig.of("127.0.0.1:" + closedPort).withTopics(topic, dlq, "nobody");
        KafkaMetricsConsumer consumer = start(writer);

        long t0 = System.nanoTime();
        consumer.close();

        assertThat(consumer.assigned()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(writer.calls()).isZero();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
