package io.leakwatch.collector.config;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the collector needs to run, read once and never changed. Every field is non-null and
 * already validated; {@link ConfigLoader} builds one from agent arguments, system properties and the
 * environment, and {@link #builder()} lets an embedding application build one in code.
 *
 * @param exporter which exporter ships the metrics
 * @param otlpEndpoint full OTLP/HTTP metrics URL, e.g. {@code http://127.0.0.1:4318/v1/metrics}
 * @param kafkaBootstrapServers comma-separated {@code host:port} list for the Kafka exporter
 * @param kafkaTopic topic the Kafka exporter produces to
 * @param interval time between two collections
 * @param exportTimeout longest one export may take
 * @param shutdownTimeout longest the final flush may delay the host's exit
 * @param serviceName {@code service.name}
 * @param serviceVersion {@code service.version}, empty when unknown
 * @param instanceId {@code service.instance.id}, stable for the process's life
 * @param environment {@code deployment.environment.name}, empty when unknown
 * @param resourceAttributes further resource attributes (from {@code OTEL_RESOURCE_ATTRIBUTES})
 * @param enabled false switches the collector off without removing the {@code -javaagent} flag
 * @param otlpHeaders extra OTLP/HTTP request headers, e.g. authorization; never logged
 * @param jfr the periodic JFR leak recordings
 * @param kafkaSecurity Kafka client settings passed to both producers as given: {@code security.protocol},
 *                      {@code sasl.*} and {@code ssl.*} (keys without the {@code kafka.} prefix); never logged
 * @param gcNotificationsPerSecond collections per second up to which every one is observed through GC
 *                      notifications; above it the collectors are polled at each tick (0: always polled)
 */
public record CollectorConfig(
        ExporterKind exporter,
        URI otlpEndpoint,
        String kafkaBootstrapServers,
        String kafkaTopic,
        Duration interval,
        Duration exportTimeout,
        Duration shutdownTimeout,
        String serviceName,
        String serviceVersion,
        String instanceId,
        String environment,
        Map<String, String> resourceAttributes,
        boolean enabled,
        Map<String, String> otlpHeaders,
        JfrSettings jfr,
        Map<String, String> kafkaSecurity,
        int gcNotificationsPerSecond) {

    public static final URI DEFAULT_OTLP_ENDPOINT = URI.create("http://127.0.0.1:4318/v1/metrics");
    public static final String DEFAULT_KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    public static final String DEFAULT_KAFKA_TOPIC = "leakwatch.metrics";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);
    public static final String DEFAULT_SERVICE_NAME = "unknown_service:java";
    /** See {@code GcNotificationBudget}: a service with a right-sized young generation stays far below it. */
    public static final int DEFAULT_GC_NOTIFICATIONS_PER_SECOND = 5;

    public CollectorConfig {
        Objects.requireNonNull(exporter, "exporter");
        Objects.requireNonNull(otlpEndpoint, "otlpEndpoint");
        Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
        Objects.requireNonNull(kafkaTopic, "kafkaTopic");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(exportTimeout, "exportTimeout");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(serviceVersion, "serviceVersion");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(environment, "environment");
        resourceAttributes = Map.copyOf(resourceAttributes);
        otlpHeaders = Map.copyOf(otlpHeaders);
        Objects.requireNonNull(jfr, "jfr");
        kafkaSecurity = Map.copyOf(kafkaSecurity);
        if (gcNotificationsPerSecond < 0) {
            throw new IllegalArgumentException("gcNotificationsPerSecond must be >= 0, got " + gcNotificationsPerSecond);
        }
    }

    /**
     * The periodic JFR leak recordings: a recording of {@code duration} every {@code interval}, sent to
     * {@code kafkaTopic} (Kafka exporter) or {@code otlpEndpoint} (OTLP exporter); a compressed recording over
     * {@code maxBytes} is dropped and counted.
     *
     * @param enabled      false switches the recordings off (metrics are unaffected)
     * @param interval     time between the starts of two recordings
     * @param duration     length of one recording
     * @param maxBytes     largest compressed recording sent
     * @param kafkaTopic   topic of the envelopes, keyed by {@code service.instance.id}
     * @param otlpEndpoint full URL of the HTTP endpoint, by default the metrics endpoint's {@code /v1/jfr}
     */
    public record JfrSettings(boolean enabled, Duration interval, Duration duration, int maxBytes, String kafkaTopic,
            URI otlpEndpoint) {
        public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
        public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);
        public static final int DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
        public static final String DEFAULT_KAFKA_TOPIC = "leakwatch.jfr";

        public JfrSettings {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(kafkaTopic, "kafkaTopic");
            if (duration.compareTo(interval) > 0) {
                duration = interval; // a recording never overlaps the next one
            }
        }

        /** Defaults, sending over HTTP next to {@code metricsEndpoint}. */
        public static JfrSettings defaults(URI metricsEndpoint) {
            return new JfrSettings(true, DEFAULT_INTERVAL, DEFAULT_DURATION, DEFAULT_MAX_BYTES, DEFAULT_KAFKA_TOPIC,
                    endpointNextTo(metricsEndpoint));
        }

        /** {@code http://h:4318/v1/metrics} → {@code http://h:4318/v1/jfr}; any other path gets {@code /v1/jfr} at its root. */
        public static URI endpointNextTo(URI metricsEndpoint) {
            String s = metricsEndpoint.toString();
            if (s.endsWith("/v1/metrics")) {
                return URI.create(s.substring(0, s.length() - "/v1/metrics".length()) + "/v1/jfr");
            }
            return metricsEndpoint.resolve("/v1/jfr");
        }
    }

    /** Like the record's own, but header and Kafka security values (credentials) are replaced by {@code ***}. */
    @Override
    public String toString() {
        return "CollectorConfig[exporter=" + exporter + ", otlpEndpoint=" + otlpEndpoint + ", kafkaBootstrapServers="
                + kafkaBootstrapServers + ", kafkaTopic=" + kafkaTopic + ", interval=" + interval + ", exportTimeout="
                + exportTimeout + ", shutdownTimeout=" + shutdownTimeout + ", serviceName=" + serviceName
                + ", serviceVersion=" + serviceVersion + ", instanceId=" + instanceId + ", environment=" + environment
                + ", resourceAttributes=" + resourceAttributes + ", enabled=" + enabled + ", otlpHeaders="
                + otlpHeaders.keySet().stream().map(k -> k + "=***").toList() + ", jfr=" + jfr + ", kafkaSecurity="
                + kafkaSecurity.keySet().stream().map(k -> k + "=***").toList() + ", gcNotificationsPerSecond="
                + gcNotificationsPerSecond + "]";
    }

    /** A builder that starts from the defaults (OTLP/HTTP to {@code 127.0.0.1:4318}, every 10 s). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.exporter = exporter;
        b.otlpEndpoint = otlpEndpoint;
        b.kafkaBootstrapServers = kafkaBootstrapServers;
        b.kafkaTopic = kafkaTopic;
        b.interval = interval;
        b.exportTimeout = exportTimeout;
        b.shutdownTimeout = shutdownTimeout;
        b.serviceName = serviceName;
        b.serviceVersion = serviceVersion;
        b.instanceId = instanceId;
        b.environment = environment;
        b.resourceAttributes = new LinkedHashMap<>(resourceAttributes);
        b.enabled = enabled;
        b.otlpHeaders = new LinkedHashMap<>(otlpHeaders);
        b.jfr = jfr;
        b.kafkaSecurity = new LinkedHashMap<>(kafkaSecurity);
        b.gcNotificationsPerSecond = gcNotificationsPerSecond;
        return b;
    }

    /** Builds a {@link CollectorConfig} in code; unset fields keep their defaults. */
    public static final class Builder {
        private ExporterKind exporter = ExporterKind.OTLP;
        private URI otlpEndpoint = DEFAULT_OTLP_ENDPOINT;
        private String kafkaBootstrapServers = DEFAULT_KAFKA_BOOTSTRAP_SERVERS;
        private String kafkaTopic = DEFAULT_KAFKA_TOPIC;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration exportTimeout = DEFAULT_EXPORT_TIMEOUT;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private String serviceName = DEFAULT_SERVICE_NAME;
        private String serviceVersion = "";
        private String instanceId = InstanceId.ofThisProcess();
        private String environment = "";
        private Map<String, String> resourceAttributes = new LinkedHashMap<>();
        private boolean enabled = true;
        private Map<String, String> otlpHeaders = new LinkedHashMap<>();
        private JfrSettings jfr; // null: the defaults next to the OTLP endpoint
        private Map<String, String> kafkaSecurity = new LinkedHashMap<>();
        private int gcNotificationsPerSecond = DEFAULT_GC_NOTIFICATIONS_PER_SECOND;

        private Builder() {}

        public Builder exporter(ExporterKind value) { exporter = value; return this; }
        public Builder otlpEndpoint(URI value) { otlpEndpoint = value; return this; }
        public Builder kafkaBootstrapServers(String value) { kafkaBootstrapServers = value; return this; }
        public Builder kafkaTopic(String value) { kafkaTopic = value; return this; }
        public Builder interval(Duration value) { interval = value; return this; }
        public Builder exportTimeout(Duration value) { exportTimeout = value; return this; }
        public Builder shutdownTimeout(Duration value) { shutdownTimeout = value; return this; }
        public Builder serviceName(String value) { serviceName = value; return this; }
        public Builder serviceVersion(String value) { serviceVersion = value; return this; }
        public Builder instanceId(String value) { instanceId = value; return this; }
        public Builder environment(String value) { environment = value; return this; }
        public Builder resourceAttributes(Map<String, String> value) { resourceAttributes = new LinkedHashMap<>(value); return this; }
        public Builder enabled(boolean value) { enabled = value; return this; }
        public Builder otlpHeaders(Map<String, String> value) { otlpHeaders = new LinkedHashMap<>(value); return this; }
        public Builder jfr(JfrSettings value) { jfr = value; return this; }
        public Builder kafkaSecurity(Map<String, String> value) { kafkaSecurity = new LinkedHashMap<>(value); return this; }
        public Builder gcNotificationsPerSecond(int value) { gcNotificationsPerSecond = value; return this; }

        public CollectorConfig build() {
            return new CollectorConfig(exporter, otlpEndpoint, kafkaBootstrapServers, kafkaTopic, interval,
                    exportTimeout, shutdownTimeout, serviceName, serviceVersion, instanceId, environment,
                    resourceAttributes, enabled, otlpHeaders, jfr == null ? JfrSettings.defaults(otlpEndpoint) : jfr,
                    kafkaSecurity, gcNotificationsPerSecond);
        }
    }
}
