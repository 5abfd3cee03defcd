package io.leakwatch.collector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JfrSettingsTest {
    @Test
    void defaultsRecordAMinuteEveryTenMinutesNextToTheMetricsEndpoint() {
        CollectorConfig.JfrSettings jfr = ConfigLoader.load(Map.of(), Map.of(), Map.of(), w -> {}).jfr();
        assertThat(jfr.enabled()).isTrue();
        assertThat(jfr.interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(jfr.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(jfr.maxBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(jfr.kafkaTopic()).isEqualTo("leakwatch.jfr");
        assertThat(jfr.otlpEndpoint()).isEqualTo(URI.create("http://127.0.0.1:4318/v1/jfr"));
    }

    @Test
    void keysFromEveryLayerAndTheEndpointFollowsTheMetricsOne() {
        CollectorConfig.JfrSettings jfr = ConfigLoader.load(
                Map.of("jfr.interval", "5s", "otlp.endpoint", "https://ingest.example:4318"),
                Map.of("leakwatch.jfr.duration", "3s"),
                Map.of("LEAKWATCH_JFR_MAX_BYTES", "1048576", "LEAKWATCH_JFR_KAFKA_TOPIC", "jfr-test"), w -> {}).jfr();
        assertThat(jfr.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(jfr.duration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(jfr.maxBytes()).isEqualTo(1048576);
        assertThat(jfr.kafkaTopic()).isEqualTo("jfr-test");
        assertThat(jfr.otlpEndpoint()).isEqualTo(URI.create("https://ingest.example:4318/v1/jfr"));
    }

    @Test
    void badValuesFallBackWithAWarningAndTheSwitchTurnsItOff() {
        List<String> warnings = new ArrayList<>();
        CollectorConfig.JfrSettings jfr = ConfigLoader.load(Map.of("jfr.interval", "1s", "jfr.max.bytes", "12",
                "jfr.enabled", "false"), Map.of(), Map.of(), warnings::add).jfr();
        assertThat(jfr.enabled()).isFalse();
        assertThat(jfr.interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(jfr.maxBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(warnings).hasSize(2).anyMatch(w -> w.contains("jfr.interval")).anyMatch(w -> w.contains("jfr.max.bytes"));
    }

    @Test
    void aRecordingNeverOutlastsItsInterval() {
        CollectorConfig.JfrSettings jfr = ConfigLoader.load(Map.of("jfr.interval", "5s", "jfr.duration", "60s"),
                Map.of(), Map.of(), w -> {}).jfr();
        assertThat(jfr.duration()).isEqualTo(Duration.ofSeconds(5));
    }
}
