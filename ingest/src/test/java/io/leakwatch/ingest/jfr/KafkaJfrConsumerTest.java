package io.leakwatch.ingest.jfr;

import io.leakwatch.ingest.IngestConfig;
import io.leakwatch.ingest.KafkaMetricsConsumer;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.jfr.Attribution;
import io.leakwatch.store.jfr.JfrQueries;
import io.leakwatch.store.jfr.JfrWriter;
import io.leakwatch.testing.KafkaBroker;
import io.leakwatch.wire.JfrEnvelope;
import io.leakwatch.wire.JfrEnvelopeCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Envelopes through the real broker into the real embedded store; corrupt ones to the DLQ with their reason. */
class KafkaJfrConsumerTest {
    @TempDir
    Path dir;

    @Test
    void snapshotsAreStoredOnceAndCorruptRecordingsGoToTheDeadLetterTopic() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "jfr-" + id;
        String dlq = "dlq-" + id;
        broker.createTopic(topic, 1);
        broker.createTopic(dlq, 1);
        String instance = "kafka-jfr-" + id;
        byte[] good = JfrRecordings.envelope(instance, dir, () -> JfrRecordings.leak(10_000));
        JfrEnvelope parsed = JfrEnvelopeCodec.decode(good);
        byte[] corruptRecording = JfrEnvelopeCodec.encode(new JfrEnvelope(parsed.resource(), parsed.startMillis(),
                parsed.endMillis(), parsed.compression(), Arrays.copyOf(parsed.payload(), parsed.payload().length / 3)));
        byte[] truncatedEnvelope = Arrays.copyOf(good, 40);

        JfrIngestConfig jfrConfig = new JfrIngestConfig(JfrIngestConfig.DEFAULT_MAX_ENVELOPE_BYTES, 256L << 20,
                10_000, 200_000, 32, 2, 4, topic);
        IngestConfig.KafkaConfig kafka = IngestConfig.KafkaConfig.of(broker.bootstrapServers())
                .withTopics("metrics-" + id, dlq, "ingest-" + id);
        try (Store store = Store.open(StoreConfig.embedded(dir.resolve("data"), ChdbLibrary.locate()));
             var producer = new KafkaProducer<byte[], byte[]>(broker.producerProps())) {
            byte[] key = instance.getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, key, truncatedEnvelope)).get();
            producer.send(new ProducerRecord<>(topic, key, good)).get();
            producer.send(new ProducerRecord<>(topic, key, corruptRecording)).get();

            JfrWriter writer = new JfrWriter(store.engine());
            try (KafkaJfrConsumer consumer = KafkaJfrConsumer.start(kafka, new JfrSnapshotDecoder(jfrConfig), writer::write)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> consumer.deadLettered() == 2 && count(store, instance) == 1);
                assertThat(consumer.snapshotsWritten()).isEqualTo(1);
            }

            Attribution a = new JfrQueries(store.engine()).attribution(instance, parsed.startMillis() - 1000,
                    parsed.endMillis() + 1000, parsed.startMillis() - 7_200_000, parsed.startMillis() - 3_600_000);
            assertThat(a.classes()).extracting(Attribution.ClassGrowth::className)
                    .containsAnyOf("byte[]", JfrRecordings.LeakedSession.class.getName());

            List<ConsumerRecord<byte[], byte[]>> letters = new ArrayList<>();
            try (var dead = new KafkaConsumer<byte[], byte[]>(broker.consumerProps("dlq-reader-" + id))) {
                dead.subscribe(List.of(dlq));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    dead.poll(Duration.ofMillis(200)).forEach(letters::add);
                    return letters.size() >= 2;
                });
            }
            List<String> reasons = letters.stream().map(r -> new String(
                    r.headers().lastHeader(KafkaMetricsConsumer.HEADER_REASON).value(), StandardCharsets.UTF_8)).toList();
            assertThat(reasons).anyMatch(r -> r.contains("truncated envelope"))
                    .anyMatch(r -> r.contains("gzip") || r.contains("JFR"));
            assertThat(letters).allSatisfy(r -> assertThat(new String(r.headers()
                    .lastHeader(KafkaMetricsConsumer.HEADER_SOURCE_TOPIC).value(), StandardCharsets.UTF_8)).isEqualTo(topic));
            assertThat(letters.stream().map(ConsumerRecord::value).toList()).anyMatch(v -> Arrays.equals(v, truncatedEnvelope));
        }
    }

    private static long count(Store store, String instance) {
        return Long.parseLong(new String(store.engine().query(
                "SELECT count() FROM jfr_snapshots WHERE instance = {i:String}", Map.of("i", instance), "TabSeparated"),
                StandardCharsets.UTF_8).trim());
    }
}
