package io.leakwatch.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rows a JVM agent would export every 10 s: G1 heap pools with a sawtooth over an old-gen floor that rises
 * at {@code leakBytesPerHour}, the old pool's used-after-GC updated every 10 minutes (a mixed collection),
 * metaspace, classes, threads by state, direct buffers, RSS and committed, FDs and GC durations.
 */
public record SyntheticJvm(String service, String version, String instance, double leakBytesPerHour) {
    public static final double MB = 1024.0 * 1024.0;

    public List<MetricRow> rows(long start, int scrapes) {
        List<MetricRow> rows = new ArrayList<>();
        double gcSeconds = 0;
        double majorSeconds = 0;
        for (int i = 0; i < scrapes; i++) {
            long t = start + i * 10_000L;
            double hours = (t - start) / 3_600_000.0;
            double oldFloor = 200 * MB + leakBytesPerHour * hours;
            double oldUsed = oldFloor + (i % 30) * 2 * MB; // promoted garbage, reclaimed every 5 minutes
            double eden = (i % 6) * 40 * MB;              // young sawtooth, a young GC per minute
            long lastMixed = (t - start) / 600_000L * 600_000L;
            double afterGc = 200 * MB + leakBytesPerHour * (lastMixed / 3_600_000.0);
            gcSeconds += 0.002;
            if (i % 60 == 0) {
                majorSeconds += 0.05;
            }
            rows.add(gauge(t, "jvm.memory.used", heap("G1 Old Gen"), oldUsed));
            rows.add(gauge(t, "jvm.memory.used", heap("G1 Eden Space"), eden));
            rows.add(gauge(t, "jvm.memory.used_after_last_gc", heap("G1 Old Gen"), afterGc));
            rows.add(gauge(t, "jvm.memory.limit", heap("G1 Old Gen"), 1024 * MB));
            rows.add(gauge(t, "jvm.memory.committed", heap("G1 Old Gen"), 512 * MB));
            rows.add(gauge(t, "jvm.memory.committed", heap("G1 Eden Space"), 256 * MB));
            rows.add(gauge(t, "jvm.memory.committed", nonHeap("Metaspace"), 64 * MB));
            rows.add(gauge(t, "jvm.memory.used", nonHeap("Metaspace"), 60 * MB));
            rows.add(gauge(t, "jvm.memory.limit", nonHeap("Metaspace"), 256 * MB));
            rows.add(gauge(t, "jvm.class.count", Map.of(), 9000));
            rows.add(gauge(t, "jvm.thread.count", Map.of("jvm.thread.state", "runnable", "jvm.thread.daemon", "false"),
                    10 + i % 3));
            rows.add(gauge(t, "jvm.thread.count", Map.of("jvm.thread.state", "waiting", "jvm.thread.daemon", "true"),
                    20 - i % 3));
            rows.add(gauge(t, "jvm.buffer.memory.used", Map.of("jvm.buffer.pool.name", "direct"), 8 * MB));
            rows.add(gauge(t, "process.memory.usage", Map.of(), 1000 * MB));
            rows.add(gauge(t, "jvm.file_descriptor.count", Map.of(), 120));
            rows.add(gauge(t, "jvm.file_descriptor.limit", Map.of(), 65536));
            rows.add(sum(t, start, "jvm.gc.duration",
                    Map.of("jvm.gc.name", "G1 Young Generation", "jvm.gc.action", "end of minor GC"), gcSeconds));
            rows.add(sum(t, start, "jvm.gc.duration",
                    Map.of("jvm.gc.name", "G1 Old Generation", "jvm.gc.action", "end of major GC"), majorSeconds));
        }
        return rows;
    }

    private static Map<String, String> heap(String pool) {
        return Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", pool);
    }

    private static Map<String, String> nonHeap(String pool) {
        return Map.of("jvm.memory.type", "non_heap", "jvm.memory.pool.name", pool);
    }

    private MetricRow gauge(long t, String metric, Map<String, String> attrs, double value) {
        return MetricRow.scalar(t, service, version, instance, metric, "By", MetricKind.GAUGE, attrs, value);
    }

    private MetricRow sum(long t, long start, String metric, Map<String, String> attrs, double value) {
        return new MetricRow(t, start, service, version, instance, "", "", Map.of(), metric, "s",
                MetricKind.HISTOGRAM, false, false, attrs, value, 1, Double.NaN, Double.NaN, List.of(), List.of());
    }
}
