package io.leakwatch.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds realistic metric rows for tests. */
final class TestRows {
    /** Two days ago on a whole hour: inside the 30-day TTL, which drops older rows already at insert. */
    static final long T0 = (System.currentTimeMillis() / 3_600_000L - 48) * 3_600_000L;

    private TestRows() {
    }

    /** {@code n} points of jvm.memory.used for two pools of one instance, one per 10 s. */
    static List<MetricRow> heap(String service, String instance, int n, long start) {
        List<MetricRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = start + i * 10_000L;
            for (String pool : List.of("G1 Old Gen", "G1 Eden Space")) {
                rows.add(new MetricRow(t, start, service, "1.0." + (i % 2), instance, "host-" + instance, "prod",
                        Map.of("service.name", service, "service.instance.id", instance), "jvm.memory.used", "By",
                        MetricKind.GAUGE, false, false, Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", pool),
                        1_000_000 + i * 100.0, 0, Double.NaN, Double.NaN, List.of(), List.of()));
            }
        }
        return rows;
    }
}
