package io.leakwatch.ingest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestConfigTest {

    @Test
    void defaultsServeOtlpHttpOn4318WithoutKafka() {
        IngestConfig config = IngestConfig.defaults();

        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().port()).isEqualTo(4318);
        assertThat(config.http().maxRequestBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(config.kafka().enabled()).isFalse();
        assertThat(IngestConfig.KafkaConfig.of(" 127.0.0.1:9092 ").bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(IngestConfig.KafkaConfig.of("b:9092").metricsTopic()).isEqualTo("leakwatch.metrics");
        assertThat(IngestConfig.KafkaConfig.of("b:9092").dlqTopic()).isEqualTo("leakwatch.dlq");
        assertThat(IngestConfig.KafkaConfig.of("b:9092").groupId()).isEqualTo("leakwatch-ingest");
    }

    @Test
    void batchingSettingsComeFromTheEnvironment() {
        IngestConfig base = IngestConfig.defaults().withKafka(IngestConfig.KafkaConfig.of("b:9092"));
        IngestConfig config = base.withEnv(Map.of(
                IngestConfig.ENV_KAFKA_BATCH_MAX_RECORDS, "8000",
                IngestConfig.ENV_KAFKA_BATCH_MAX_DELAY, "2s",
                IngestConfig.ENV_OTLP_BATCH_MAX_ROWS, "50_000",
                IngestConfig.ENV_OTLP_BATCH_MAX_DELAY, "50ms",
                IngestConfig.ENV_OTLP_MAX_PENDING_ROWS, "250000"));

        assertThat(config.kafka().batchMaxRecords()).isEqualTo(8000);
        assertThat(config.kafka().batchMaxDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.kafka().bootstrapServers()).isEqualTo("b:9092");
        assertThat(config.http().batchMaxRows()).isEqualTo(50_000);
        assertThat(config.http().batchMaxDelay()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.http().maxPendingRows()).isEqualTo(250_000);
        assertThat(base.withEnv(Map.of(IngestConfig.ENV_KAFKA_BATCH_MAX_RECORDS, " "))).isEqualTo(base);
        assertThat(base.withEnv(Map.of(IngestConfig.ENV_KAFKA_BATCH_MAX_DELAY, "1m")).kafka().batchMaxDelay())
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void badBatchingSettingsInTheEnvironmentNameTheirKey() {
        IngestConfig base = IngestConfig.defaults();
        assertThatThrownBy(() -> base.withEnv(Map.of(IngestConfig.ENV_KAFKA_BATCH_MAX_RECORDS, "lots")))
                .hasMessageContaining("LEAKWATCH_KAFKA_BATCH_MAX_RECORDS");
        assertThatThrownBy(() -> base.withEnv(Map.of(IngestConfig.ENV_KAFKA_BATCH_MAX_RECORDS, "0")))
                .hasMessageContaining("LEAKWATCH_KAFKA_BATCH_MAX_RECORDS");
        assertThatThrownBy(() -> base.withEnv(Map.of(IngestConfig.ENV_OTLP_BATCH_MAX_DELAY, "soon")))
                .hasMessageContaining("LEAKWATCH_OTLP_BATCH_MAX_DELAY");
        assertThatThrownBy(() -> base.withEnv(Map.of(IngestConfig.ENV_OTLP_BATCH_MAX_ROWS, "200000")))
                .hasMessageContaining("LEAKWATCH_OTLP_MAX_PENDING_ROWS").hasMessageContaining("maxPendingRows");
    }

    @Test
    void refusesSettingsThatWouldBreakTheDeliveryGuaranteeOrMakeNoSense() {
        IngestConfig.KafkaConfig kafka = IngestConfig.KafkaConfig.of("b:9092");

        assertThatThrownBy(() -> kafka.withClientProperties(Map.of("enable.auto.commit", "true")))
                .hasMessageContaining("enable.auto.commit").hasMessageContaining("committed only after");
        assertThatThrownBy(() -> kafka.withTopics("same", "same", "g")).hasMessageContaining("must differ");
        assertThatThrownBy(() -> kafka.withTopics("bad topic!", "dlq", "g")).hasMessageContaining("not a valid topic name");
        assertThatThrownBy(() -> kafka.withRetryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
                .hasMessageContaining("retryMaxBackoff");
        assertThatThrownBy(() -> IngestConfig.HttpConfig.defaults().withListen("127.0.0.1", 70000))
                .hasMessageContaining("0..65535");
        assertThatThrownBy(() -> IngestConfig.defaults().withLimits(new DecodeLimits(1024, 10, 100)))
                .hasMessageContaining("must not exceed limits.maxPayloadBytes");
        assertThat(kafka.withClientProperties(Map.of("security.protocol", "SASL_SSL")).clientProperties())
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void batchesOtlpHttpRequestsBy20000RowsOr200MillisecondsAndCapsWaitingRows() {
        IngestConfig.HttpConfig http = IngestConfig.HttpConfig.defaults();

        assertThat(http.batchMaxRows()).isEqualTo(20_000);
        assertThat(http.batchMaxDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(http.maxPendingRows()).isEqualTo(100_000);
        assertThat(http.withBatching(1, Duration.ZERO, 1).batchMaxDelay()).isZero();
        assertThatThrownBy(() -> http.withBatching(0, Duration.ofMillis(200), 100))
                .hasMessageContaining("http.batchMaxRows");
        assertThatThrownBy(() -> http.withBatching(100, Duration.ofMinutes(1), 1_000))
                .hasMessageContaining("http.batchMaxDelay");
        assertThatThrownBy(() -> http.withBatching(1_000, Duration.ofMillis(200), 999))
                .hasMessageContaining("http.maxPendingRows").hasMessageContaining("never form");
    }
}
