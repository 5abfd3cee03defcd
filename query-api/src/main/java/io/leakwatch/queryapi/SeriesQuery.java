package io.leakwatch.queryapi;

import java.util.Map;

/**
 * A validated {@code GET /api/v1/series} request.
 *
 * @param attributes attribute filter: every key/value must match (empty: all attribute sets)
 */
public record SeriesQuery(String instance, String metric, Map<String, String> attributes,
                          long fromMillis, long toMillis, int limit) {
    public SeriesQuery {
        attributes = Map.copyOf(attributes);
    }
}
