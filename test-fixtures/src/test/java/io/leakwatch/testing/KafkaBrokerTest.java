package io.leakwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/** The shared broker: the one CI names in KAFKA_BOOTSTRAP_SERVERS, or one this JVM starts. */
class KafkaBrokerTest {

    private final KafkaBroker broker = KafkaBroker.shared();

    @Test
    void sharedIsOneBrokerPerJvm() {
        assertThat(KafkaBroker.shared()).isSameAs(broker);
        assertThat(broker.bootstrapServers()).isNotBlank();
    }

    @Test
    void usesTheEnvironmentsBrokerWhenNamedAndItsOwnOtherwise() {
        String fromEnv = System.getenv(KafkaBroker.BOOTSTRAP_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            assertThat(broker.selfStarted()).isFalse();
            assertThat(broker.bootstrapServers()).isEqualTo(fromEnv.strip());
        } else {
            assertThat(broker.selfStarted()).isTrue();
            assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        }
    }

    @Test
    void recordProducedIsConsumedBack() throws Exception {
        String topic = "fixture-roundtrip-" + UUID.randomUUID();
        broker.createTopic(topic, 3);

        RecordMetadata sent;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.producerProps())) {
            sent = producer.send(new ProducerRecord<>(topic, bytes("instance-1"), bytes("hello leakwatch"))).get();
        }
        assertThat(sent.topic()).isEqualTo(topic);

        List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(broker.consumerProps("g-" + topic))) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
            });
        }
        assertThat(received).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("instance-1");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("hello leakwatch");
            assertThat(r.partition()).isEqualTo(sent.partition());
            assertThat(r.offset()).isEqualTo(sent.offset());
        });
    }

    @Test
    void createTopicIsIdempotentAndWaitsForEveryPartition() throws Exception {
        String topic = "fixture-idempotent-" + UUID.randomUUID();
        broker.createTopic(topic, 4);
        broker.createTopic(topic, 4);

        assertThat(broker.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
                .hasSize(4)
                .allSatisfy(p -> assertThat(p.leader()).isNotNull());
    }

    @Test
    void createTopicRejectsAnotherPartitionCountAndBadInput() {
        String topic = "fixture-mismatch-" + UUID.randomUUID();
        broker.createTopic(topic, 2);

        assertThatThrownBy(() -> broker.createTopic(topic, 5))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("2 partitions");
        assertThatThrownBy(() -> broker.createTopic("no spaces", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> broker.createTopic("ok", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
