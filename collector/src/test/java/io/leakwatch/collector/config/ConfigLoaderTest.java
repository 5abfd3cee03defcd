package io.leakwatch.collector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private final List<String> warnings = new ArrayList<>();

    private CollectorConfig load(Map<String, String> args, Map<String, String> props, Map<String, String> env) {
        return ConfigLoader.load(args, props, env, warnings::add);
    }

    @Test
    void defaultsSendOtlpToTheLocalStandardPortEveryTenSeconds() {
        CollectorConfig config = load(Map.of(), Map.of(), Map.of());

        assertThat(config.exporter()).isEqualTo(ExporterKind.OTLP);
        assertThat(config.otlpEndpoint()).isEqualTo(URI.create("http://127.0.0.1:4318/v1/metrics"));
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.kafkaTopic()).isEqualTo("leakwatch.metrics");
        assertThat(config.serviceName()).isEqualTo("unknown_service:java");
        assertThat(config.instanceId()).isEqualTo(InstanceId.ofThisProcess()).matches("[0-9a-f-]{36}");
        assertThat(config.gcNotificationsPerSecond()).isEqualTo(5);
        assertThat(warnings).isEmpty();
    }

    @Test
    void gcNotificationBudgetIsReadAndBoundedWithZeroMeaningAlwaysPolled() {
        assertThat(load(Map.of("gc.notifications.max.rate", "0"), Map.of(), Map.of()).gcNotificationsPerSecond()).isZero();
        assertThat(load(Map.of(), Map.of(), Map.of("LEAKWATCH_GC_NOTIFICATIONS_MAX_RATE", "20")).gcNotificationsPerSecond())
                .isEqualTo(20);
        assertThat(warnings).isEmpty();
        assertThat(load(Map.of("gc.notifications.max.rate", "1001"), Map.of(), Map.of()).gcNotificationsPerSecond())
                .isEqualTo(CollectorConfig.DEFAULT_GC_NOTIFICATIONS_PER_SECOND);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("gc.notifications.max.rate").contains("1001"));
    }

    @Test
    void agentArgumentsBeatSystemPropertiesWhichBeatEnvironment() {
        CollectorConfig config = load(
                Map.of("interval", "2s"),
                Map.of("leakwatch.interval", "3s", "leakwatch.kafka.topic", "from-props"),
                Map.of("LEAKWATCH_INTERVAL", "4s", "LEAKWATCH_KAFKA_TOPIC", "from-env", "LEAKWATCH_EXPORTER", "kafka"));

        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.kafkaTopic()).isEqualTo("from-props");
        assertThat(config.exporter()).isEqualTo(ExporterKind.KAFKA);
        assertThat(warnings).isEmpty();
    }

    @Test
    void badValueFallsBackToTheNextLayerWithOneWarningNamingKeyAndValue() {
        CollectorConfig config = load(Map.of("interval", "banana", "exporter", "pigeon"), Map.of(),
                Map.of("LEAKWATCH_INTERVAL", "5s"));

        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.exporter()).isEqualTo(ExporterKind.OTLP);
        assertThat(warnings).hasSize(2);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("interval").contains("banana"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("exporter").contains("pigeon"));
    }

    @Test
    void outOfRangeIntervalAndInvalidTopicFallBackToDefaults() {
        CollectorConfig config = load(Map.of("interval", "10ms", "kafka.topic", "no spaces/allowed"), Map.of(), Map.of());

        assertThat(config.interval()).isEqualTo(CollectorConfig.DEFAULT_INTERVAL);
        assertThat(config.kafkaTopic()).isEqualTo(CollectorConfig.DEFAULT_KAFKA_TOPIC);
        assertThat(warnings).hasSize(2);
    }

    @Test
    void unknownAgentArgumentIsReported() {
        load(Map.of("intreval", "5s"), Map.of(), Map.of());

        assertThat(warnings).singleElement().asString().contains("intreval");
    }

    @Test
    void openTelemetryVariablesNameTheServiceAndEndpointWhenLeakWatchKeysAreAbsent() {
        CollectorConfig config = load(Map.of(), Map.of(), Map.of(
                "OTEL_SERVICE_NAME", "checkout",
                "OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored,service.version=1.2.3,deployment.environment.name=prod,team=pay%20ments",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"));

        assertThat(config.serviceName()).isEqualTo("checkout");
        assertThat(config.serviceVersion()).isEqualTo("1.2.3");
        assertThat(config.environment()).isEqualTo("prod");
        assertThat(config.resourceAttributes()).containsEntry("team", "pay ments");
        assertThat(config.otlpEndpoint()).isEqualTo(URI.create("http://collector:4318/v1/metrics"));
    }

    @Test
    void metricsEndpointIsUsedAsIsAndLeakWatchKeysWinOverOpenTelemetry() {
        CollectorConfig config = load(Map.of("service.name", "mine", "instance.id", "pod-7"), Map.of(), Map.of(
                "OTEL_SERVICE_NAME", "theirs",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "https://otel.example:4318/custom/path",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://other:4318"));

        assertThat(config.serviceName()).isEqualTo("mine");
        assertThat(config.instanceId()).isEqualTo("pod-7");
        assertThat(config.otlpEndpoint()).isEqualTo(URI.create("https://otel.example:4318/custom/path"));
    }

    @Test
    void leakWatchEndpointWithoutPathGetsTheMetricsPath() {
        assertThat(load(Map.of("otlp.endpoint", "http://10.0.0.1:4318"), Map.of(), Map.of()).otlpEndpoint())
                .isEqualTo(URI.create("http://10.0.0.1:4318/v1/metrics"));
        assertThat(load(Map.of("otlp.endpoint", "ftp://x"), Map.of(), Map.of()).otlpEndpoint())
                .isEqualTo(CollectorConfig.DEFAULT_OTLP_ENDPOINT);
        assertThat(warnings).singleElement().asString().contains("otlp.endpoint").contains("ftp://x");
    }

    @Test
    void agentArgumentsKeepCommasOfMultiValueSettings() {
        Map<String, String> args = AgentArguments.parse("exporter=kafka,kafka.bootstrap.servers=a:9092,b:9093,interval=1s");

        assertThat(args).containsEntry("kafka.bootstrap.servers", "a:9092,b:9093").containsEntry("interval", "1s");
        CollectorConfig config = load(args, Map.of(), Map.of());
        assertThat(config.kafkaBootstrapServers()).isEqualTo("a:9092,b:9093");
        assertThat(warnings).isEmpty();
    }

    @Test
    void durationsReadCommonForms() {
        assertThat(DurationParser.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(DurationParser.parse("15")).contains(Duration.ofSeconds(15));
        assertThat(DurationParser.parse("2m")).contains(Duration.ofMinutes(2));
        assertThat(DurationParser.parse("PT30S")).contains(Duration.ofSeconds(30));
        assertThat(DurationParser.parse("soon")).isEmpty();
    }

    @Test
    void otlpHeadersAreReadButNeverShown() {
        CollectorConfig config = load(Map.of("otlp.headers", "Authorization=Bearer%20s3cret;X-Tenant=blue"), Map.of(), Map.of());

        assertThat(config.otlpHeaders()).containsEntry("Authorization", "Bearer s3cret").containsEntry("X-Tenant", "blue");
        assertThat(config.toString()).doesNotContain("s3cret").contains("Authorization=***");
    }

    @Test
    void badHeadersWarnWithoutTheirValueAndOpenTelemetryHeadersApply() {
        CollectorConfig config = load(Map.of("otlp.headers", "bad header=t0psecret"), Map.of(),
                Map.of("OTEL_EXPORTER_OTLP_HEADERS", "api-key=k1"));

        assertThat(config.otlpHeaders()).containsExactly(Map.entry("api-key", "k1"));
        assertThat(warnings).singleElement().asString().contains("otlp.headers").doesNotContain("t0psecret");
    }

    @Test
    void enabledSwitchesTheCollectorOff() {
        assertThat(load(Map.of(), Map.of(), Map.of()).enabled()).isTrue();
        assertThat(load(Map.of(), Map.of(), Map.of("LEAKWATCH_ENABLED", "false")).enabled()).isFalse();
        assertThat(load(Map.of("enabled", "maybe"), Map.of(), Map.of()).enabled()).isTrue();
        assertThat(warnings).singleElement().asString().contains("enabled").contains("maybe");
    }
}
