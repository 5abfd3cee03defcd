package io.leakwatch.collector.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a {@link CollectorConfig} from layers, first match wins: agent arguments
 * ({@code -javaagent:leakwatch-agent.jar=interval=5s,...}), system properties ({@code leakwatch.interval}),
 * environment variables ({@code LEAKWATCH_INTERVAL}), then the OpenTelemetry variables where one has a
 * meaning here ({@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES},
 * {@code OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT} and their {@code otel.*} system properties), then defaults.
 *
 * <p>A value that does not parse or is out of range falls back to the next layer's value or the
 * default, with one warning naming the key, where it came from and the value. Never throws.
 */
public final class ConfigLoader {
    public static final String EXPORTER = "exporter";
    public static final String OTLP_ENDPOINT = "otlp.endpoint";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String KAFKA_TOPIC = "kafka.topic";
    public static final String INTERVAL = "interval";
    public static final String EXPORT_TIMEOUT = "export.timeout";
    public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";
    public static final String SERVICE_NAME = "service.name";
    public static final String SERVICE_VERSION = "service.version";
    public static final String INSTANCE_ID = "instance.id";
    public static final String ENVIRONMENT = "environment";
    public static final String ENABLED = "enabled";
    public static final String OTLP_HEADERS = "otlp.headers";
    public static final String JFR_ENABLED = "jfr.enabled";
    public static final String JFR_INTERVAL = "jfr.interval";
    public static final String JFR_DURATION = "jfr.duration";
    public static final String JFR_MAX_BYTES = "jfr.max.bytes";
    public static final String JFR_KAFKA_TOPIC = "jfr.kafka.topic";
    public static final String JFR_OTLP_ENDPOINT = "jfr.otlp.endpoint";
    public static final String GC_NOTIFICATIONS_MAX_RATE = "gc.notifications.max.rate";

    /** Every key LeakWatch reads; anything else given as an agent argument is reported as unknown. */
    public static final List<String> KEYS = List.of(EXPORTER, OTLP_ENDPOINT, KAFKA_BOOTSTRAP_SERVERS,
            KAFKA_TOPIC, INTERVAL, EXPORT_TIMEOUT, SHUTDOWN_TIMEOUT, SERVICE_NAME, SERVICE_VERSION,
            INSTANCE_ID, ENVIRONMENT, ENABLED, OTLP_HEADERS, JFR_ENABLED, JFR_INTERVAL, JFR_DURATION, JFR_MAX_BYTES,
            JFR_KAFKA_TOPIC, JFR_OTLP_ENDPOINT, GC_NOTIFICATIONS_MAX_RATE);

    /**
     * Kafka client settings passed through to the producers as {@code kafka.<setting>}: only what a secured broker
     * needs, so nothing can reconfigure the producers' delivery guarantees or class loading otherwise.
     */
    static final Pattern KAFKA_SECURITY_KEY =
            Pattern.compile("kafka\\.(security\\.protocol|sasl\\.[a-z0-9.]{1,64}|ssl\\.[a-z0-9.]{1,64})");
    static final int MAX_KAFKA_SECURITY_SETTINGS = 32;
    static final int MAX_KAFKA_SECURITY_VALUE = 4096;

    static final Duration MIN_JFR_INTERVAL = Duration.ofSeconds(2);
    static final Duration MAX_JFR_INTERVAL = Duration.ofHours(24);
    static final Duration MIN_JFR_DURATION = Duration.ofSeconds(1);
    static final Duration MAX_JFR_DURATION = Duration.ofMinutes(30);
    static final int MIN_JFR_BYTES = 64 * 1024;
    static final int MAX_JFR_BYTES = 64 * 1024 * 1024;

    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    static final Duration MAX_INTERVAL = Duration.ofHours(1);
    static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    static final int MAX_TEXT = 256;
    static final int MAX_SHOWN_VALUE = 120;

    static final int MAX_HEADERS = 32;
    static final int MAX_HEADER_VALUE = 4096;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern BOOTSTRAP =
            Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}(,[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}){0,31}");
    private static final Pattern PRINTABLE = Pattern.compile("[^\\p{Cntrl}]+");

    private final Map<String, String> agentArgs;
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final Consumer<String> warnings;

    private ConfigLoader(Map<String, String> agentArgs, Map<String, String> systemProperties,
            Map<String, String> environment, Consumer<String> warnings) {
        this.agentArgs = agentArgs;
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.warnings = warnings;
    }

    /** Reads the real system properties and environment, with {@code agentArgs} on top (may be null). */
    public static CollectorConfig load(String agentArgs, Consumer<String> warnings) {
        return load(AgentArguments.parse(agentArgs), copy(System.getProperties()), System.getenv(), warnings);
    }

    /** Reads from the given layers; tests pass their own maps. */
    public static CollectorConfig load(Map<String, String> agentArgs, Map<String, String> systemProperties,
            Map<String, String> environment, Consumer<String> warnings) {
        return new ConfigLoader(agentArgs, systemProperties, environment, warnings).load();
    }

    private CollectorConfig load() {
        for (String key : agentArgs.keySet()) {
            if (!KEYS.contains(key) && !KAFKA_SECURITY_KEY.matcher(key).matches()) {
                warnings.accept("LeakWatch: ignoring unknown agent argument '" + shown(key) + "'; known keys: " + KEYS);
            }
        }
        Map<String, String> resourceAttributes = new LinkedHashMap<>(
                ResourceAttributesParser.parse(environment.get("OTEL_RESOURCE_ATTRIBUTES")));
        resourceAttributes.putAll(ResourceAttributesParser.parse(systemProperties.get("otel.resource.attributes")));

        CollectorConfig.Builder b = CollectorConfig.builder();
        b.exporter(setting(EXPORTER, ExporterKind::parse, "otlp or kafka").orElse(ExporterKind.OTLP));
        b.otlpEndpoint(setting(OTLP_ENDPOINT, ConfigLoader::leakWatchEndpoint, "an http(s) URL")
                .or(() -> otel("otel.exporter.otlp.metrics.endpoint", ConfigLoader::httpUrl))
                .or(() -> otel("otel.exporter.otlp.endpoint", t -> httpUrl(t).map(ConfigLoader::withMetricsPath)))
                .orElse(CollectorConfig.DEFAULT_OTLP_ENDPOINT));
        b.kafkaBootstrapServers(setting(KAFKA_BOOTSTRAP_SERVERS, t -> matching(t, BOOTSTRAP), "host:port[,host:port...]")
                .orElse(CollectorConfig.DEFAULT_KAFKA_BOOTSTRAP_SERVERS));
        b.kafkaTopic(setting(KAFKA_TOPIC, t -> matching(t, TOPIC), "a Kafka topic name ([a-zA-Z0-9._-], at most 249)")
                .orElse(CollectorConfig.DEFAULT_KAFKA_TOPIC));
        b.interval(setting(INTERVAL, t -> durationWithin(t, MIN_INTERVAL, MAX_INTERVAL), "a duration from 1s to 1h, e.g. 10s")
                .orElse(CollectorConfig.DEFAULT_INTERVAL));
        b.exportTimeout(setting(EXPORT_TIMEOUT, t -> durationWithin(t, MIN_TIMEOUT, MAX_TIMEOUT), "a duration from 100ms to 1m")
                .orElse(CollectorConfig.DEFAULT_EXPORT_TIMEOUT));
        b.shutdownTimeout(setting(SHUTDOWN_TIMEOUT, t -> durationWithin(t, MIN_TIMEOUT, MAX_TIMEOUT), "a duration from 100ms to 1m")
                .orElse(CollectorConfig.DEFAULT_SHUTDOWN_TIMEOUT));
        b.serviceName(setting(SERVICE_NAME, ConfigLoader::text, "printable text, at most 256 characters")
                .or(() -> otel("otel.service.name", ConfigLoader::text))
                .or(() -> Optional.ofNullable(resourceAttributes.get("service.name")).flatMap(ConfigLoader::text))
                .orElse(CollectorConfig.DEFAULT_SERVICE_NAME));
        b.serviceVersion(setting(SERVICE_VERSION, ConfigLoader::text, "printable text, at most 256 characters")
                .or(() -> Optional.ofNullable(resourceAttributes.get("service.version")).flatMap(ConfigLoader::text))
                .orElse(""));
        b.instanceId(setting(INSTANCE_ID, ConfigLoader::text, "printable text, at most 256 characters")
                .or(() -> Optional.ofNullable(resourceAttributes.get("service.instance.id")).flatMap(ConfigLoader::text))
                .orElse(InstanceId.ofThisProcess()));
        b.environment(setting(ENVIRONMENT, ConfigLoader::text, "printable text, at most 256 characters")
                .or(() -> Optional.ofNullable(resourceAttributes.get("deployment.environment.name")).flatMap(ConfigLoader::text))
                .or(() -> Optional.ofNullable(resourceAttributes.get("deployment.environment")).flatMap(ConfigLoader::text))
                .orElse(""));
        b.resourceAttributes(resourceAttributes);
        b.enabled(setting(ENABLED, ConfigLoader::bool, "true or false").orElse(true));
        b.otlpHeaders(secretSetting(OTLP_HEADERS, ConfigLoader::headers, "name=value pairs separated by ; or ,")
                .or(() -> otelSecret("otel.exporter.otlp.metrics.headers", ConfigLoader::headers))
                .or(() -> otelSecret("otel.exporter.otlp.headers", ConfigLoader::headers))
                .orElse(Map.of()));
        b.kafkaSecurity(kafkaSecurity());
        b.gcNotificationsPerSecond(setting(GC_NOTIFICATIONS_MAX_RATE, ConfigLoader::gcRate,
                "collections per second from 0 (always poll the collectors) to 1000")
                .orElse(CollectorConfig.DEFAULT_GC_NOTIFICATIONS_PER_SECOND));
        URI metricsEndpoint = b.build().otlpEndpoint();
        b.jfr(new CollectorConfig.JfrSettings(
                setting(JFR_ENABLED, ConfigLoader::bool, "true or false").orElse(true),
                setting(JFR_INTERVAL, t -> durationWithin(t, MIN_JFR_INTERVAL, MAX_JFR_INTERVAL), "a duration from 2s to 24h, e.g. 10m")
                        .orElse(CollectorConfig.JfrSettings.DEFAULT_INTERVAL),
                setting(JFR_DURATION, t -> durationWithin(t, MIN_JFR_DURATION, MAX_JFR_DURATION), "a duration from 1s to 30m, e.g. 60s")
                        .orElse(CollectorConfig.JfrSettings.DEFAULT_DURATION),
                setting(JFR_MAX_BYTES, ConfigLoader::jfrBytes, "a byte count from 65536 to 67108864")
                        .orElse(CollectorConfig.JfrSettings.DEFAULT_MAX_BYTES),
                setting(JFR_KAFKA_TOPIC, t -> matching(t, TOPIC), "a Kafka topic name ([a-zA-Z0-9._-], at most 249)")
                        .orElse(CollectorConfig.JfrSettings.DEFAULT_KAFKA_TOPIC),
                setting(JFR_OTLP_ENDPOINT, ConfigLoader::httpUrl, "an http(s) URL")
                        .orElse(CollectorConfig.JfrSettings.endpointNextTo(metricsEndpoint))));
        return b.build();
    }

    /**
     * The {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*} settings of every layer
     * (agent arguments over system properties over the environment, where {@code LEAKWATCH_KAFKA_SASL_MECHANISM}
     * means {@code kafka.sasl.mechanism}), keyed without the {@code kafka.} prefix. Values may be credentials: a
     * warning names the key only.
     */
    private Map<String, String> kafkaSecurity() {
        Map<String, String> candidates = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("LEAKWATCH_KAFKA_")) {
                candidates.put(name.substring("LEAKWATCH_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        systemProperties.forEach((name, value) -> {
            if (name.startsWith("leakwatch.kafka.")) {
                candidates.put(name.substring("leakwatch.".length()), value);
            }
        });
        candidates.putAll(agentArgs);
        Map<String, String> out = new LinkedHashMap<>();
        candidates.forEach((key, value) -> {
            if (!KAFKA_SECURITY_KEY.matcher(key).matches()) {
                return;
            }
            if (value == null || value.isBlank() || value.length() > MAX_KAFKA_SECURITY_VALUE
                    || !PRINTABLE.matcher(value).matches() || out.size() >= MAX_KAFKA_SECURITY_SETTINGS) {
                warnings.accept("LeakWatch: ignoring " + key + "='***': expected printable text, at most "
                        + MAX_KAFKA_SECURITY_VALUE + " characters, at most " + MAX_KAFKA_SECURITY_SETTINGS + " such settings");
                return;
            }
            out.put(key.substring("kafka.".length()), value.trim());
        });
        return out;
    }

    /** The first layer that holds {@code key} with a valid value; invalid ones are warned about and skipped. */
    private <T> Optional<T> setting(String key, Function<String, Optional<T>> parser, String expected) {
        return setting(key, parser, expected, false);
    }

    /** As {@link #setting}, for values that may hold credentials: a warning names the key, never the value. */
    private <T> Optional<T> secretSetting(String key, Function<String, Optional<T>> parser, String expected) {
        return setting(key, parser, expected, true);
    }

    private <T> Optional<T> setting(String key, Function<String, Optional<T>> parser, String expected, boolean secret) {
        String envName = "LEAKWATCH_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
        String[][] layers = {
                {"agent argument " + key, agentArgs.get(key)},
                {"system property leakwatch." + key, systemProperties.get("leakwatch." + key)},
                {"environment variable " + envName, environment.get(envName)},
        };
        for (String[] layer : layers) {
            String raw = layer[1];
            if (raw == null || raw.isBlank()) {
                continue;
            }
            Optional<T> parsed = parseQuietly(parser, raw);
            if (parsed.isPresent()) {
                return parsed;
            }
            warnings.accept("LeakWatch: ignoring " + layer[0] + "='" + (secret ? "***" : shown(raw)) + "': expected "
                    + expected + "; using the next setting or the default");
        }
        return Optional.empty();
    }

    /** An OpenTelemetry setting: system property {@code otel.x.y}, else environment {@code OTEL_X_Y}. */
    private <T> Optional<T> otel(String property, Function<String, Optional<T>> parser) {
        return otel(property, parser, false);
    }

    private <T> Optional<T> otelSecret(String property, Function<String, Optional<T>> parser) {
        return otel(property, parser, true);
    }

    private <T> Optional<T> otel(String property, Function<String, Optional<T>> parser, boolean secret) {
        String envName = property.toUpperCase(Locale.ROOT).replace('.', '_');
        for (String raw : new String[] {systemProperties.get(property), environment.get(envName)}) {
            if (raw != null && !raw.isBlank()) {
                Optional<T> parsed = parseQuietly(parser, raw);
                if (parsed.isPresent()) {
                    return parsed;
                }
                warnings.accept("LeakWatch: ignoring " + property + "/" + envName + "='" + (secret ? "***" : shown(raw)) + "'");
            }
        }
        return Optional.empty();
    }

    private static <T> Optional<T> parseQuietly(Function<String, Optional<T>> parser, String raw) {
        try {
            return parser.apply(raw.trim());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<URI> httpUrl(String text) {
        URI uri = URI.create(text);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && text.length() <= 2048) {
            return Optional.of(uri);
        }
        return Optional.empty();
    }

    /** LeakWatch's own key takes a base URL (then {@code /v1/metrics} is added) or a full one. */
    private static Optional<URI> leakWatchEndpoint(String text) {
        return httpUrl(text).map(uri -> {
            String path = uri.getPath();
            return path == null || path.isEmpty() || path.equals("/") ? withMetricsPath(uri) : uri;
        });
    }

    /** As the OTLP exporter specification says for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    private static URI withMetricsPath(URI base) {
        String s = base.toString();
        return URI.create((s.endsWith("/") ? s : s + "/") + "v1/metrics");
    }

    private static Optional<Integer> gcRate(String text) {
        int n = Integer.parseInt(text.trim());
        return n >= 0 && n <= 1000 ? Optional.of(n) : Optional.empty();
    }

    private static Optional<Integer> jfrBytes(String text) {
        int n = Integer.parseInt(text.trim());
        return n >= MIN_JFR_BYTES && n <= MAX_JFR_BYTES ? Optional.of(n) : Optional.empty();
    }

    private static Optional<Boolean> bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> Optional.of(true);
            case "false", "no", "off", "0" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /**
     * OTLP headers as the OpenTelemetry specification writes them ({@code name=value,...}, values
     * percent-encoded); {@code ;} also separates pairs, since a comma ends an agent argument.
     */
    static Optional<Map<String, String>> headers(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split("[;,]")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0 || out.size() >= MAX_HEADERS) {
                return Optional.empty();
            }
            String name = pair.substring(0, eq).trim();
            String value = java.net.URLDecoder.decode(pair.substring(eq + 1).trim().replace("+", "%2B"),
                    java.nio.charset.StandardCharsets.UTF_8);
            if (!HEADER_NAME.matcher(name).matches() || value.length() > MAX_HEADER_VALUE || value.chars().anyMatch(c -> c < 0x20)) {
                return Optional.empty();
            }
            out.put(name, value);
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    private static Optional<String> matching(String text, Pattern pattern) {
        return pattern.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    }

    private static Optional<String> text(String text) {
        String t = text.trim();
        return !t.isEmpty() && t.length() <= MAX_TEXT && PRINTABLE.matcher(t).matches() ? Optional.of(t) : Optional.empty();
    }

    private static Optional<Duration> durationWithin(String text, Duration min, Duration max) {
        return DurationParser.parse(text).filter(d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0);
    }

    private static String shown(String value) {
        String oneLine = value.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > MAX_SHOWN_VALUE ? oneLine.substring(0, MAX_SHOWN_VALUE) + "..." : oneLine;
    }

    private static Map<String, String> copy(Properties properties) {
        Map<String, String> out = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            out.put(name, properties.getProperty(name));
        }
        return out;
    }
}
