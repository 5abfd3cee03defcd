package io.leakwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/**
 * The self-started broker, whatever KAFKA_BOOTSTRAP_SERVERS says: this is the path every developer's test run takes,
 * so CI (which sets the variable) must exercise it too.
 */
class KafkaBrokerProcessTest {

    @Test
    void childBrokerServesClientsAndStopsCleanly() throws Exception {
        KafkaBrokerProcess broker = KafkaBrokerProcess.start(Duration.ofSeconds(60));
        try {
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            String topic = "child-roundtrip";
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Map<String, Object> producerProps = Map.of(
                    "bootstrap.servers", broker.bootstrapServers(),
                    "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                    "value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
                producer.send(new ProducerRecord<>(topic, "k", "from the child broker")).get(30, TimeUnit.SECONDS);
            }
            Map<String, Object> consumerProps = Map.of(
                    "bootstrap.servers", broker.bootstrapServers(),
                    "group.id", "child-roundtrip",
                    "auto.offset.reset", "earliest",
                    "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
                    "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
                consumer.subscribe(List.of(topic));
                List<ConsumerRecord<String, String>> received = new java.util.ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                    return !received.isEmpty();
                });
                assertThat(received).extracting(ConsumerRecord::value).containsExactly("from the child broker");
            }
            assertThat(Files.readString(broker.logFile())).contains("Kafka Server started");
        } finally {
            broker.stop(Duration.ofSeconds(20), true);
        }
        assertThat(ProcessHandle.of(broker.pid())).isEmpty();
        assertThat(broker.stateDir()).doesNotExist();
    }
}
