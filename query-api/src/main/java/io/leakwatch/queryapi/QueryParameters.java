package io.leakwatch.queryapi;

import io.vertx.core.MultiMap;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns raw query strings into validated {@link InstancesQuery} and {@link SeriesQuery} objects, or throws
 * a {@link BadParameterException} that names the first bad parameter. Strict on purpose: unknown and
 * repeated parameters are rejected, so a typo never silently widens a query.
 */
public final class QueryParameters {

    /** OpenTelemetry instrument name syntax. */
    static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-/]{0,254}");
    /** Attribute keys as OpenTelemetry semantic conventions spell them. */
    static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,127}");
    static final int MAX_INSTANCE_LENGTH = 256;
    static final int MAX_ATTRIBUTE_VALUE_LENGTH = 256;
    static final String ATTR_PREFIX = "attr.";

    private static final Set<String> INSTANCES_PARAMS = Set.of("from", "to", "limit", "service", "version",
            "environment");
    private static final Set<String> SERVICES_PARAMS = Set.of("from", "to", "environment");
    private static final Set<String> LEAKS_PARAMS = Set.of("window", "service", "environment", "minConfidence", "limit",
            "offset");
    private static final Set<String> ANALYSIS_PARAMS = Set.of("window");
    /** Analysis window when a request gives none. */
    static final Duration DEFAULT_WINDOW = Duration.ofHours(6);
    static final int DEFAULT_LEAKS_LIMIT = 100;
    static final int MAX_LEAKS_LIMIT = 1_000;
    static final int MAX_OFFSET = 1_000_000;
    private static final Set<String> SERIES_PARAMS = Set.of("instance", "metric", "from", "to", "limit");

    private final QueryApiConfig config;

    public QueryParameters(QueryApiConfig config) {
        this.config = config;
    }

    public InstancesQuery instances(MultiMap params, Instant now) {
        for (String name : params.names()) {
            single(params, name);
            if (!INSTANCES_PARAMS.contains(name)) {
                throw unknown(name, INSTANCES_PARAMS);
            }
        }
        long[] range = range(params, now);
        int limit = limit(params, config.defaultInstanceLimit(), config.maxInstanceLimit());
        return new InstancesQuery(range[0], range[1], limit, name(params, "service"), name(params, "version"),
                name(params, "environment"));
    }

    /** {@code GET /api/v1/services?from=&to=&environment=}: the range [from, to). */
    public long[] services(MultiMap params, Instant now) {
        known(params, SERVICES_PARAMS);
        name(params, "environment");
        return range(params, now);
    }

    /** The validated {@code environment} filter of a request, or null when absent. */
    public static String environment(MultiMap params) {
        return name(params, "environment");
    }

    /** {@code GET /api/v1/leaks?window=&service=&environment=&minConfidence=&limit=&offset=}. */
    public LeaksQuery leaks(MultiMap params) {
        known(params, LEAKS_PARAMS);
        Duration window = window(params);
        int minConfidence = integer(params, "minConfidence", 0, 0, 100);
        int limit = integer(params, "limit", DEFAULT_LEAKS_LIMIT, 1, MAX_LEAKS_LIMIT);
        int offset = integer(params, "offset", 0, 0, MAX_OFFSET);
        return new LeaksQuery(window, name(params, "service"), name(params, "environment"), minConfidence, limit,
                offset);
    }

    /** {@code GET /api/v1/instances/{id}/analysis?window=}: the validated instance id and window. */
    public Duration analysisWindow(MultiMap params) {
        known(params, ANALYSIS_PARAMS);
        return window(params);
    }

    /** Validates an instance id taken from the path. */
    public static String instanceId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_INSTANCE_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
            throw new BadParameterException("id", "the instance id must be 1.." + MAX_INSTANCE_LENGTH + " printable characters");
        }
        return id;
    }

    private Duration window(MultiMap params) {
        String raw = params.get("window");
        return raw == null ? DEFAULT_WINDOW : WindowParameter.parse("window", raw.strip(), config.maxRange());
    }

    private static void known(MultiMap params, Set<String> accepted) {
        for (String name : params.names()) {
            single(params, name);
            if (!accepted.contains(name)) {
                throw unknown(name, accepted);
            }
        }
    }

    /** An optional service, version or environment name: absent is null; present must be 1..256 printable characters. */
    private static String name(MultiMap params, String name) {
        String value = params.get(name);
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > MAX_INSTANCE_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
            throw new BadParameterException(name, name + " must be 1.." + MAX_INSTANCE_LENGTH + " printable characters");
        }
        return value;
    }

    private static int integer(MultiMap params, String name, int defaultValue, int min, int max) {
        String raw = params.get(name);
        if (raw == null) {
            return defaultValue;
        }
        int value;
        try {
            value = raw.length() > 10 ? Integer.MIN_VALUE : Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            value = Integer.MIN_VALUE;
        }
        if (value < min || value > max) {
            throw new BadParameterException(name, name + " must be an integer in " + min + ".." + max);
        }
        return value;
    }

    public SeriesQuery series(MultiMap params, Instant now) {
        TreeMap<String, String> attributes = new TreeMap<>();
        for (String name : params.names()) {
            String value = single(params, name);
            if (name.startsWith(ATTR_PREFIX)) {
                attribute(name, value, attributes);
            } else if (!SERIES_PARAMS.contains(name)) {
                throw unknown(name, SERIES_PARAMS);
            }
        }
        String instance = required(params, "instance");
        if (instance.length() > MAX_INSTANCE_LENGTH || instance.chars().anyMatch(Character::isISOControl)) {
            throw new BadParameterException("instance",
                    "instance must be at most " + MAX_INSTANCE_LENGTH + " printable characters");
        }
        String metric = required(params, "metric");
        if (!METRIC_NAME.matcher(metric).matches()) {
            throw new BadParameterException("metric",
                    "metric must be an OpenTelemetry instrument name: a letter, then up to 254 of"
                            + " letters, digits, '_', '.', '-', '/' (e.g. jvm.memory.used_after_last_gc)");
        }
        long[] range = range(params, now);
        int limit = limit(params, config.defaultSeriesLimit(), config.maxSeriesLimit());
        return new SeriesQuery(instance, metric, attributes, range[0], range[1], limit);
    }

    private void attribute(String name, String value, TreeMap<String, String> attributes) {
        String key = name.substring(ATTR_PREFIX.length());
        if (!ATTRIBUTE_KEY.matcher(key).matches()) {
            throw new BadParameterException(name, "attribute filters look like attr.<key>=<value> where <key> is"
                    + " a letter or '_' then up to 127 of letters, digits, '_', '.', '-'");
        }
        if (value.length() > MAX_ATTRIBUTE_VALUE_LENGTH || value.chars().anyMatch(Character::isISOControl)) {
            throw new BadParameterException(name,
                    name + " must be at most " + MAX_ATTRIBUTE_VALUE_LENGTH + " printable characters");
        }
        attributes.put(key, value);
        if (attributes.size() > config.maxAttributeFilters()) {
            throw new BadParameterException(name,
                    "too many attribute filters: at most " + config.maxAttributeFilters() + " attr.<key> parameters");
        }
    }

    /** [from, to): {@code to} defaults to now, {@code from} to {@code to} minus the default range. */
    private long[] range(MultiMap params, Instant now) {
        String fromRaw = params.get("from");
        String toRaw = params.get("to");
        long to = toRaw != null ? TimeParameter.parse("to", toRaw, now) : now.toEpochMilli();
        long from = fromRaw != null
                ? TimeParameter.parse("from", fromRaw, now)
                : Math.max(0, to - config.defaultRange().toMillis());
        String blamed = fromRaw != null ? "from" : "to";
        if (from >= to) {
            throw new BadParameterException(blamed, "from must be before to"
                    + (toRaw == null ? " (to defaults to now)" : ""));
        }
        if (to - from > config.maxRange().toMillis()) {
            throw new BadParameterException(blamed,
                    "the range from..to is wider than the maximum of " + human(config.maxRange()));
        }
        return new long[] {from, to};
    }

    private static int limit(MultiMap params, int defaultLimit, int maxLimit) {
        String raw = params.get("limit");
        if (raw == null) {
            return defaultLimit;
        }
        int limit;
        try {
            limit = raw.length() > 10 ? -1 : Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > maxLimit) {
            throw new BadParameterException("limit", "limit must be an integer in 1.." + maxLimit);
        }
        return limit;
    }

    private static String required(MultiMap params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new BadParameterException(name, name + " is required");
        }
        return value;
    }

    private static String single(MultiMap params, String name) {
        List<String> values = params.getAll(name);
        if (values.size() != 1) {
            throw new BadParameterException(name, name + " must be given once");
        }
        return values.getFirst();
    }

    private static BadParameterException unknown(String name, Set<String> known) {
        String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return new BadParameterException(shown, "unknown parameter " + shown + "; accepted: "
                + String.join(", ", new TreeSet<>(known))
                + (known.contains("metric") ? ", attr.<key>" : ""));
    }

    private static String human(Duration d) {
        if (d.toDaysPart() > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
            return d.toDays() + " days";
        }
        return d.toString();
    }
}
