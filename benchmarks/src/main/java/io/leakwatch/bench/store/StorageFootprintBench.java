package io.leakwatch.bench.store;

import io.leakwatch.bench.traces.TraceReplayer;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.schema.SeriesSchema;
import io.leakwatch.testing.RecordedTraces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ClickHouse bytes per JVM per day, for the capacity guide: every recorded trace of the scenario zoo (real
 * agent exports) is replayed at the agent's default cadence into one embedded store, each table the metric writer
 * fills (the series-keyed tables of {@link SeriesSchema} and {@code instances_seen}) is merged to its final parts,
 * and the bytes on disk per table are divided by the JVM-days the data covers (per instance, from its first to its
 * last point in {@code series_values}). {@code instance_ticks} keeps one day only, so its figure is also what it
 * holds at any time per JVM.
 *
 * <p>Run after {@code ./leakwatch build}:
 * <pre>{@code
 * CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
 * java --enable-native-access=ALL-UNNAMED -cp "$CP" io.leakwatch.bench.store.StorageFootprintBench [factor=10]
 * }</pre>
 * {@code factor} stretches the recorded cadence (recorded at one export a second) to the production one.
 * The traces are minutes long, so the parts are small and compress worse than a day's merged parts: the
 * figures are an upper bound.
 */
public final class StorageFootprintBench {
    private static final List<String> TABLES = List.of(SeriesSchema.SERIES, SeriesSchema.VALUES, SeriesSchema.HISTOGRAMS, SeriesSchema.POINTS_1M,
            SeriesSchema.FLOORS_15M, SeriesSchema.INSTANCE_TICKS, "instances_seen");

    private StorageFootprintBench() {
    }

    public static void main(String[] args) throws Exception {
        double factor = 10;
        for (String a : args) {
            if (a.startsWith("factor=")) {
                factor = Double.parseDouble(a.substring("factor=".length()));
            }
        }
        Path dir = Files.createTempDirectory("leakwatch-footprint");
        long end = System.currentTimeMillis() - 60_000;
        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            long rows = 0;
            for (String scenario : RecordedTraces.available()) {
                rows += TraceReplayer.replayDirect(scenario, new TraceReplayer.Options(factor, end, "fp-" + scenario),
                        store.writer()).rows();
            }
            for (String table : TABLES) {
                store.engine().execute("OPTIMIZE TABLE " + table + " FINAL", Map.of());
            }
            // a point's instance is its series'; grouped by id, since a ReplacingMergeTree may still hold a duplicate
            String cover = query(store, """
                    SELECT count() AS jvms, sum(span) / 86400000 AS days, sum(exports) AS exports, sum(points) AS points
                    FROM (SELECT s.instance AS instance,
                                 toUnixTimestamp64Milli(max(p.ts)) - toUnixTimestamp64Milli(min(p.ts)) AS span,
                                 uniqExact(p.ts) AS exports, count() AS points
                          FROM series_values AS p
                          INNER JOIN (SELECT series_id, any(instance) AS instance FROM series GROUP BY series_id) AS s
                              ON p.series_id = s.series_id
                          GROUP BY s.instance)
                    """).trim();
            String[] c = cover.split("\t");
            long jvms = Long.parseLong(c[0]);
            double jvmDays = Double.parseDouble(c[1]);
            long exports = Long.parseLong(c[2]);
            long points = Long.parseLong(c[3]);
            long series = Long.parseLong(query(store, "SELECT uniqExact(series_id) FROM series").trim());
            long pointsSeen = Long.parseLong(query(store, "SELECT sum(points) FROM instances_seen").trim());
            System.out.printf(Locale.ROOT, "replayed %d rows of %d JVMs at factor %.0f: %.4f JVM-days, %.1f points per export, "
                    + "one export per %.1f s; %d series (%.1f per JVM)%n", rows, jvms, factor, jvmDays,
                    (double) points / exports, jvmDays * 86_400 / Math.max(1, exports - jvms), series,
                    (double) series / Math.max(1, jvms));
            if (points != rows || pointsSeen != rows) {
                // a point without its series' identity, or an insert instances_seen missed, would show here
                System.out.printf(Locale.ROOT, "WARNING: %d rows written, %d points joined to their series, %d counted"
                        + " by instances_seen%n", rows, points, pointsSeen);
            }
            System.out.printf(Locale.ROOT, "%-20s %12s %14s %14s %10s %16s%n", "table", "rows", "bytes on disk",
                    "uncompressed", "ratio", "MB per JVM-day");
            double total = 0;
            for (String line : query(store, """
                    SELECT table, sum(rows), sum(bytes_on_disk), sum(data_uncompressed_bytes)
                    FROM system.parts WHERE active AND database = currentDatabase() AND table IN {tables:Array(String)}
                    GROUP BY table ORDER BY table
                    """, Map.of("tables", TABLES)).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                double disk = Double.parseDouble(f[2]);
                double perJvmDay = disk / jvmDays / 1e6;
                total += perJvmDay;
                System.out.printf(Locale.ROOT, "%-20s %12s %14s %14s %9.1fx %16.2f%n", f[0], f[1], f[2], f[3],
                        Double.parseDouble(f[3]) / Math.max(1, disk), perJvmDay);
            }
            System.out.printf(Locale.ROOT, "total: %.2f MB per JVM per day on disk (upper bound: short traces, small parts)%n",
                    total);
        }
    }

    private static String query(Store store, String sql) {
        return query(store, sql, Map.of());
    }

    private static String query(Store store, String sql, Map<String, ?> params) {
        return new String(store.engine().query(sql, params, "TabSeparated"), StandardCharsets.UTF_8);
    }
}
