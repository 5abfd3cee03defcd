package io.leakwatch.queryapi;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the query API, immutable and validated on construction. {@link #defaults()} works out of the
 * box (loopback, port 8080); {@link #fromJson(JsonObject)} reads a verticle's {@code config()}, falling back
 * to the default for every key that is absent.
 *
 * @param host                where the HTTP server binds (only used when the API serves itself)
 * @param port                HTTP port, 0 for any free port
 * @param defaultRange        time range used when a request gives neither {@code from} nor {@code to}
 * @param maxRange            widest {@code to - from} a request may ask for
 * @param defaultInstanceLimit instances returned when {@code limit} is absent
 * @param maxInstanceLimit    highest accepted {@code limit} for instances
 * @param defaultSeriesLimit  points returned when {@code limit} is absent
 * @param maxSeriesLimit      highest accepted {@code limit} for series points
 * @param maxAttributeFilters most {@code attr.<key>} filters one series request may carry
 * @param requestTimeout      a request still unanswered after this gets a 503
 * @param tokens              bearer tokens; {@link ApiTokens#NONE} turns authentication off (loopback demo only)
 */
public record QueryApiConfig(
        String host,
        int port,
        Duration defaultRange,
        Duration maxRange,
        int defaultInstanceLimit,
        int maxInstanceLimit,
        int defaultSeriesLimit,
        int maxSeriesLimit,
        int maxAttributeFilters,
        Duration requestTimeout,
        ApiTokens tokens) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public QueryApiConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(defaultRange, "defaultRange");
        Objects.requireNonNull(maxRange, "maxRange");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(tokens, "tokens");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        }
        if (defaultRange.isNegative() || defaultRange.isZero() || maxRange.compareTo(defaultRange) < 0) {
            throw new IllegalArgumentException(
                    "need 0 < defaultRange <= maxRange, was " + defaultRange + " and " + maxRange);
        }
        requireLimits("instance", defaultInstanceLimit, maxInstanceLimit);
        requireLimits("series", defaultSeriesLimit, maxSeriesLimit);
        if (maxAttributeFilters < 0) {
            throw new IllegalArgumentException("maxAttributeFilters must be >= 0, was " + maxAttributeFilters);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
    }

    /** The settings without tokens (authentication off). */
    public QueryApiConfig(String host, int port, Duration defaultRange, Duration maxRange, int defaultInstanceLimit,
                          int maxInstanceLimit, int defaultSeriesLimit, int maxSeriesLimit, int maxAttributeFilters,
                          Duration requestTimeout) {
        this(host, port, defaultRange, maxRange, defaultInstanceLimit, maxInstanceLimit, defaultSeriesLimit,
                maxSeriesLimit, maxAttributeFilters, requestTimeout, ApiTokens.NONE);
    }

    /**
     * True when bearer tokens are required. When false every request is allowed: a launcher must refuse to
     * bind a non-loopback address in that case unless the operator explicitly allowed it.
     */
    public boolean authEnabled() {
        return tokens.enabled();
    }

    /** The same settings with these tokens (e.g. {@code ApiTokens.fromEnv(System.getenv())}). */
    public QueryApiConfig withTokens(ApiTokens newTokens) {
        return new QueryApiConfig(host, port, defaultRange, maxRange, defaultInstanceLimit,
                maxInstanceLimit, defaultSeriesLimit, maxSeriesLimit, maxAttributeFilters, requestTimeout, newTokens);
    }

    private static void requireLimits(String what, int defaultLimit, int maxLimit) {
        if (defaultLimit < 1 || maxLimit < defaultLimit) {
            throw new IllegalArgumentException("need 1 <= default " + what + " limit <= max " + what
                    + " limit, was " + defaultLimit + " and " + maxLimit);
        }
    }

    /** Loopback on 8080, last hour by default, at most 31 days, 10,000 points per request by default. */
    public static QueryApiConfig defaults() {
        return new QueryApiConfig(DEFAULT_HOST, DEFAULT_PORT, Duration.ofHours(1), Duration.ofDays(31),
                500, 5_000, 10_000, 100_000, 8, Duration.ofSeconds(30));
    }

    /** The same settings on another port (0 = any free port). */
    public QueryApiConfig withPort(int newPort) {
        return new QueryApiConfig(host, newPort, defaultRange, maxRange, defaultInstanceLimit,
                maxInstanceLimit, defaultSeriesLimit, maxSeriesLimit, maxAttributeFilters, requestTimeout, tokens);
    }

    /** The same settings bound to another host. */
    public QueryApiConfig withHost(String newHost) {
        return new QueryApiConfig(newHost, port, defaultRange, maxRange, defaultInstanceLimit,
                maxInstanceLimit, defaultSeriesLimit, maxSeriesLimit, maxAttributeFilters, requestTimeout, tokens);
    }

    /**
     * Reads keys {@code host}, {@code port}, {@code defaultRangeSeconds}, {@code maxRangeSeconds},
     * {@code defaultInstanceLimit}, {@code maxInstanceLimit}, {@code defaultSeriesLimit},
     * {@code maxSeriesLimit}, {@code maxAttributeFilters}, {@code requestTimeoutMillis}; absent keys keep
     * their default.
     *
     * @throws IllegalArgumentException when a value has the wrong type or is out of range
     */
    public static QueryApiConfig fromJson(JsonObject json) {
        QueryApiConfig d = defaults();
        if (json == null) {
            return d;
        }
        try {
            return new QueryApiConfig(
                    json.getString("host", d.host()),
                    json.getInteger("port", d.port()),
                    Duration.ofSeconds(json.getLong("defaultRangeSeconds", d.defaultRange().toSeconds())),
                    Duration.ofSeconds(json.getLong("maxRangeSeconds", d.maxRange().toSeconds())),
                    json.getInteger("defaultInstanceLimit", d.defaultInstanceLimit()),
                    json.getInteger("maxInstanceLimit", d.maxInstanceLimit()),
                    json.getInteger("defaultSeriesLimit", d.defaultSeriesLimit()),
                    json.getInteger("maxSeriesLimit", d.maxSeriesLimit()),
                    json.getInteger("maxAttributeFilters", d.maxAttributeFilters()),
                    Duration.ofMillis(json.getLong("requestTimeoutMillis", d.requestTimeout().toMillis())));
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("query-api config has a value of the wrong type: " + e.getMessage(), e);
        }
    }
}
