package io.leakwatch.queryapi;

import io.leakwatch.store.SeriesPoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Groups a metric's points by attribute set, as the series endpoint returns them:
 * {@code [{"attributes":{…}, "points":[[epochMillis, value], …]}, …]}. Groups keep the order in which their
 * first point arrived, points keep their order within a group; attribute keys are sorted so equal sets
 * always print alike. A non-finite value (JSON has no NaN) becomes {@code null}.
 */
public final class SeriesGrouping {

    private SeriesGrouping() {
    }

    public static JsonArray group(List<SeriesPoint> points) {
        Map<Map<String, String>, JsonArray> groups = new LinkedHashMap<>();
        for (SeriesPoint p : points) {
            Map<String, String> attributes = p.attributes() == null ? Map.of() : p.attributes();
            JsonArray pair = new JsonArray().add(p.timeMillis());
            pair.add(Double.isFinite(p.value()) ? p.value() : null);
            groups.computeIfAbsent(attributes, k -> new JsonArray()).add(pair);
        }
        JsonArray series = new JsonArray();
        groups.forEach((attributes, values) -> series.add(new JsonObject()
                .put("attributes", new JsonObject(new TreeMap<String, Object>(attributes)))
                .put("points", values)));
        return series;
    }
}
