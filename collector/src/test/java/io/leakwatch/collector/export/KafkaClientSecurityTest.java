package io.leakwatch.collector.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.collector.config.CollectorConfig;
import io.leakwatch.collector.config.ConfigLoader;
import io.leakwatch.collector.config.ExporterKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaClientSecurityTest {
    private static final String JAAS =
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"lw\" password=\"s3cret\";";

    @Test
    void securitySettingsFromEveryLayerReachTheProducerAndNothingElseDoes() {
        List<String> warnings = new ArrayList<>();
        CollectorConfig config = ConfigLoader.load(
                Map.of("exporter", "kafka", "kafka.security.protocol", "SASL_SSL", "kafka.sasl.mechanism", "PLAIN",
                        "kafka.sasl.jaas.config", JAAS),
                Map.of("leakwatch.kafka.ssl.truststore.location", "/etc/kafka/truststore.jks",
                        "leakwatch.kafka.sasl.mechanism", "SCRAM-SHA-512", // the agent argument wins
                        "leakwatch.kafka.acks", "0"), // not a security setting: never passed through
                Map.of("LEAKWATCH_KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit",
                        "LEAKWATCH_KAFKA_ENABLE_IDEMPOTENCE", "false"),
                warnings::add);

        assertThat(config.exporter()).isEqualTo(ExporterKind.KAFKA);
        assertThat(config.kafkaSecurity()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"), Map.entry("sasl.mechanism", "PLAIN"),
                Map.entry("sasl.jaas.config", JAAS), Map.entry("ssl.truststore.location", "/etc/kafka/truststore.jks"),
                Map.entry("ssl.truststore.password", "changeit"));
        assertThat(warnings).isEmpty();
        assertThat(config.toString()).doesNotContain("s3cret", "changeit").contains("sasl.jaas.config=***");

        Properties producer = KafkaMetricExporter.producerProperties(config);
        assertThat(producer).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
                .containsEntry("ssl.truststore.password", "changeit")
                .containsEntry("acks", "all").containsEntry("enable.idempotence", "true");
        // unshaded (this test's classpath) the class name stays as written
        assertThat(producer.getProperty("sasl.jaas.config")).isEqualTo(JAAS);
    }

    @Test
    void anOversizedOrUnprintableValueIsSkippedWithAWarningThatNeverShowsIt() {
        List<String> warnings = new ArrayList<>();
        CollectorConfig config = ConfigLoader.load(
                Map.of("kafka.sasl.jaas.config", "x".repeat(5000), "kafka.ssl.key.password", "pa\u0001ss"),
                Map.of(), Map.of(), warnings::add);

        assertThat(config.kafkaSecurity()).isEmpty();
        assertThat(warnings).hasSize(2).allSatisfy(w -> assertThat(w).contains("'***'").doesNotContain("xxxx", "\u0001"));
    }

    @Test
    void relocatedRewritesKafkaClassNamesOnlyWhenKafkaIsRelocated() {
        // Unshaded, Kafka is where the value says: nothing to rewrite.
        assertThat(KafkaClientSecurity.kafkaPackage()).isEqualTo(KafkaClientSecurity.KAFKA_PACKAGE);
        assertThat(KafkaClientSecurity.relocated(JAAS)).isEqualTo(JAAS);
    }
}
