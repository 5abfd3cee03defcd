package io.leakwatch.collector.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leakwatch.testing.KafkaBroker;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** The built agent in a JDK 17 host, producing OTLP protobuf records to a real Kafka broker. */
class KafkaExportIT {
    @Test
    void producesDecodableOtlpRecordsKeyedByInstanceId() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = "leakwatch.metrics.it-" + UUID.randomUUID();
        broker.createTopic(topic, 1);

        HostJvm.Result host = HostJvm.run("17", "-XX:+UseG1GC",
                "exporter=kafka,kafka.bootstrap.servers=" + broker.bootstrapServers() + ",kafka.topic=" + topic
                        + ",interval=1s,instance.id=kafka-host-1,service.name=kafka-test", Map.of(), 3000);
        assertThat(host.exitCode()).as(host.stderr()).isZero();

        List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
        Map<String, Object> props = broker.consumerProps("collector-it-" + UUID.randomUUID());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= 2;
            });
        }

        assertThat(records).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("kafka-host-1"));
        ExportedMetrics exported = new ExportedMetrics(records.stream().map(r -> {
            try {
                return ExportMetricsServiceRequest.parseFrom(r.value());
            } catch (Exception e) {
                throw new AssertionError("record is not an OTLP ExportMetricsServiceRequest", e);
            }
        }).toList());
        assertThat(exported.names()).contains("jvm.memory.used", "jvm.memory.used_after_last_gc", "jvm.thread.count");
        assertThat(exported.resource()).containsEntry("service.instance.id", "kafka-host-1")
                .containsEntry("service.name", "kafka-test");
    }
}
