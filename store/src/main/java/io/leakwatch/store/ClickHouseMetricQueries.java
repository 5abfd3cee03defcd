package io.leakwatch.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.store.engine.ClickHouseEngine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API's reads, as parameterised SQL run through either engine and parsed from JSONEachRow. Listing
 * instances reads the small per-instance rollup ({@code instances_seen}), never the raw points: an instance
 * "reported in [from, to)" when its first-seen..last-seen span overlaps the window, and
 * {@link InstanceInfo#points()} counts all its stored points, not only those in the window.
 */
public final class ClickHouseMetricQueries implements MetricQueries {
    /** Ceiling on rows any read returns, whatever the caller asks. */
    public static final int MAX_LIMIT = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String INSTANCES = """
            SELECT instance,
                   argMaxMerge(service) AS service, argMaxMerge(version) AS version,
                   argMaxMerge(host) AS host, argMaxMerge(environment) AS environment,
                   toUnixTimestamp64Milli(min(first_seen)) AS first_ms,
                   toUnixTimestamp64Milli(max(last_seen)) AS last_ms,
                   sum(points) AS points
            FROM instances_seen
            GROUP BY instance
            HAVING max(last_seen) >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
               AND min(first_seen) < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
            ORDER BY last_ms DESC, instance
            LIMIT {limit:UInt32}
            """;

    private static final String FILTERED_INSTANCES = INSTANCES.replace("ORDER BY", """
               AND ({service:String} = '' OR service = {service:String})
               AND ({version:String} = '' OR version = {version:String})
               AND ({environment:String} = '' OR environment = {environment:String})
            ORDER BY""");

    /** The instance's series of the metric matching the filter, then their points (sorted by series id first). */
    private static final String SERIES = """
            WITH ids AS (SELECT series_id, any(attributes) AS attrs
                         FROM series
                         WHERE instance = {instance:String}
                           AND metric = {metric:String}
                           AND arrayAll((k, v) -> attributes[k] = v AND mapContains(attributes, k),
                                        mapKeys({filter:Map(String, String)}), mapValues({filter:Map(String, String)}))
                         GROUP BY series_id)
            SELECT ids.attrs AS attributes, toUnixTimestamp64Milli(p.ts) AS t, p.value AS value
            FROM series_values AS p
            INNER JOIN ids ON p.series_id = ids.series_id
            WHERE p.series_id IN (SELECT series_id FROM ids)
              AND p.ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
              AND p.ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
            ORDER BY toString(attributes), t
            LIMIT {limit:UInt32}
            """;

    private final ClickHouseEngine engine;

    public ClickHouseMetricQueries(ClickHouseEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<InstanceInfo> instances(long fromMillis, long toMillis, int limit) {
        List<InstanceInfo> out = new ArrayList<>();
        for (JsonNode n : rows(INSTANCES, Map.of("from", fromMillis, "to", toMillis, "limit", clamp(limit)))) {
            out.add(new InstanceInfo(n.path("instance").asText(), n.path("service").asText(),
                    n.path("version").asText(), n.path("host").asText(), n.path("environment").asText(),
                    n.path("first_ms").asLong(), n.path("last_ms").asLong(), n.path("points").asLong()));
        }
        return out;
    }

    @Override
    public List<InstanceInfo> instances(String service, String version, long fromMillis, long toMillis, int limit) {
        return instances(service, version, null, fromMillis, toMillis, limit);
    }

    @Override
    public List<InstanceInfo> instances(String service, String version, String environment, long fromMillis,
                                        long toMillis, int limit) {
        Map<String, Object> params = Map.of("from", fromMillis, "to", toMillis, "limit", clamp(limit),
                "service", service == null ? "" : service, "version", version == null ? "" : version,
                "environment", environment == null ? "" : environment);
        List<InstanceInfo> out = new ArrayList<>();
        for (JsonNode n : rows(FILTERED_INSTANCES, params)) {
            out.add(new InstanceInfo(n.path("instance").asText(), n.path("service").asText(),
                    n.path("version").asText(), n.path("host").asText(), n.path("environment").asText(),
                    n.path("first_ms").asLong(), n.path("last_ms").asLong(), n.path("points").asLong()));
        }
        return out;
    }

    @Override
    public List<SeriesPoint> series(String instance, String metric, Map<String, String> attributeFilter,
                                    long fromMillis, long toMillis, int limit) {
        Map<String, Object> params = Map.of("instance", instance, "metric", metric,
                "filter", attributeFilter == null ? Map.of() : attributeFilter,
                "from", fromMillis, "to", toMillis, "limit", clamp(limit));
        List<SeriesPoint> out = new ArrayList<>();
        for (JsonNode n : rows(SERIES, params)) {
            Map<String, String> attrs = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.path("attributes").properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                attrs.put(e.getKey(), e.getValue().asText());
            }
            JsonNode v = n.path("value");
            out.add(new SeriesPoint(Map.copyOf(attrs), n.path("t").asLong(), number(v)));
        }
        return out;
    }

    private static double number(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        // ClickHouse writes nan/inf as null or as quoted text depending on settings
        String s = v.asText("");
        return switch (s) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> s.isEmpty() || s.equals("null") || s.equals("nan") ? Double.NaN : Double.parseDouble(s);
        };
    }

    private List<JsonNode> rows(String sql, Map<String, ?> params) {
        byte[] body = engine.query(sql, params, "JSONEachRow");
        List<JsonNode> out = new ArrayList<>();
        try (var it = JSON.readerFor(JsonNode.class).<JsonNode>readValues(body)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        } catch (IOException e) {
            throw new StoreException("cannot parse query result: " + e.getMessage(), false, e);
        }
        return out;
    }

    private static int clamp(int limit) {
        return Math.max(0, Math.min(limit, MAX_LIMIT));
    }
}
