package io.leakwatch.bench.store;

import io.leakwatch.bench.ingest.SyntheticFleet;
import io.leakwatch.ingest.DecodeLimits;
import io.leakwatch.ingest.OtlpMetricsDecoder;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.ClickHouseMetricWriter;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.engine.ChdbEngine;
import io.leakwatch.store.schema.Migration;
import io.leakwatch.store.schema.Schema;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where the embedded engine's time per inserted metric point goes: the same synthetic fleet rows
 * ({@link SyntheticFleet}, decoded once, encoded once as RowBinary) are inserted, in the ingest's batch size,
 * into variants of the schema, each in a database of its own in one embedded store, in one run. Prints wall
 * µs and process CPU µs per row for each variant (CPU includes the engine's own threads, background merges
 * too), and the Java RowBinary encoding cost for reference. Variants: the released schema; the raw table
 * alone; each rollup alone; no resource map; LZ4 instead of ZSTD; cheaper or no attribute hashes in the
 * per-minute view; a hash sent by the writer as a column; insert settings (no dedup token, no dedup in the
 * views, {@code max_threads}, {@code parallel_view_processing}); smaller and bigger inserts (several batches per
 * insert span several fleet ticks, which the per-minute view folds). {@code merges=off} stops background merges
 * so each figure is the insert's own cost; {@code only=} picks variants by name fragments. The released schema runs
 * first and last, so drift over the run shows.
 *
 * <p>Run (about ten minutes for every variant on a quiet machine; JDK 25):
 * <pre>{@code
 * ./mvnw -B -q -pl benchmarks -am install -DskipTests
 * java --enable-native-access=ALL-UNNAMED -Xmx3g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     io.leakwatch.bench.store.InsertCostBench [instances=2000] [ticks=8] [merges=off] [repeat=1] [only=fragment,...]
 * }</pre>
 */
public final class InsertCostBench {
    private static final Pattern TABLE_NAMES = Pattern.compile(
            "\\b(metric_points_1m_mv|metric_points_1m|metric_points|instances_seen_mv|instances_seen"
                    + "|signal_floors_15m_mv|signal_floors_15m)\\b");
    private static final String CITY_TO_STRING = "cityHash64(toString(attributes))";

    private InsertCostBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            opts.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int instances = Integer.parseInt(opts.getOrDefault("instances", "2000"));
        int ticks = Integer.parseInt(opts.getOrDefault("ticks", "8"));
        List<String> only = opts.containsKey("only") ? List.of(opts.get("only").split(",")) : List.of();
        boolean merges = !"off".equals(opts.get("merges"));
        int repeat = Integer.parseInt(opts.getOrDefault("repeat", "1"));

        SyntheticFleet fleet = new SyntheticFleet(instances);
        OtlpMetricsDecoder decoder = new OtlpMetricsDecoder(DecodeLimits.defaults());
        long tick0 = System.currentTimeMillis() - (ticks + 2) * SyntheticFleet.TICK_MILLIS;
        List<List<MetricRow>> batches = new ArrayList<>();
        long decodeNanos = 0;
        // One warm-up batch (index 0) and `ticks` timed batches, one per fleet tick: 2,000 JVMs x 33 points is
        // one full ingest batch (2,000 records).
        for (int tick = 0; tick <= ticks; tick++) {
            List<MetricRow> rows = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                long t = fleet.exportTimeMillis(i, tick0 + tick * SyntheticFleet.TICK_MILLIS);
                byte[] export = fleet.export(i, tick, t).toByteArray();
                long d0 = System.nanoTime();
                rows.addAll(decoder.decodeProtobuf(export).rows());
                decodeNanos += System.nanoTime() - d0;
            }
            batches.add(rows);
        }
        long rowsTimed = batches.stream().skip(1).mapToLong(List::size).sum();

        long e0 = System.nanoTime();
        List<byte[]> encoded = batches.stream().map(ClickHouseMetricWriter::encode).toList();
        for (int k = 0; k < 3; k++) { // JIT warm-up, then the timed pass below
            batches.forEach(ClickHouseMetricWriter::encode);
        }
        e0 = System.nanoTime();
        batches.forEach(ClickHouseMetricWriter::encode);
        double encodeUs = (System.nanoTime() - e0) / 1e3 / batches.stream().mapToLong(List::size).sum();
        List<byte[]> noResource = batches.stream().map(b -> ClickHouseMetricWriter.encode(b.stream()
                .map(InsertCostBench::withoutResource).toList())).toList();
        List<byte[]> withHash = batches.stream().map(InsertCostBench::encodeWithHash).toList();
        // The same rows in inserts of an eighth of a batch: the warm-up batch whole, then each timed batch in 8 slices.
        List<byte[]> eighths = new ArrayList<>(List.of(encoded.getFirst()));
        for (List<MetricRow> b : batches.subList(1, batches.size())) {
            int slice = (b.size() + 7) / 8;
            for (int from = 0; from < b.size(); from += slice) {
                eighths.add(ClickHouseMetricWriter.encode(b.subList(from, Math.min(b.size(), from + slice))));
            }
        }

        Path dir = Files.createTempDirectory("leakwatch-insert-cost-");
        System.out.printf(Locale.ROOT, "%,d timed rows in %d inserts of %,d rows; RowBinary encoding in Java %.2f µs/row;"
                + " OTLP decoding (first pass, JIT warming) %.2f µs/row; merges %s; load %s%n", rowsTimed, ticks,
                batches.get(1).size(), encodeUs, decodeNanos / 1e3 / (rowsTimed + batches.getFirst().size()),
                merges ? "on" : "off", loadavg());
        List<String> released = released();
        List<Variant> variants = List.of(
                new Variant("full (released schema)", released, encoded, "", 1),
                new Variant("metric_points only", only(released, "metric_points"), encoded, "", 1),
                new Variant("+ 1m view only", only(released, "metric_points", "metric_points_1m", "metric_points_1m_mv"),
                        encoded, "", 1),
                new Variant("+ instances_seen view only", only(released, "metric_points", "instances_seen",
                        "instances_seen_mv"), encoded, "", 1),
                new Variant("+ 1m view + 15m floors view", only(released, "metric_points", "metric_points_1m",
                        "metric_points_1m_mv", "signal_floors_15m", "signal_floors_15m_mv"), encoded, "", 1),
                new Variant("full, resource maps empty", released, noResource, "", 1),
                new Variant("full, LZ4 for ZSTD", map(released, s -> s.replaceAll("ZSTD\\(\\d\\)", "LZ4")), encoded, "", 1),
                new Variant("metric_points only, LZ4", map(only(released, "metric_points"),
                        s -> s.replaceAll("ZSTD\\(\\d\\)", "LZ4")), encoded, "", 1),
                new Variant("full, attr_hash = sipHash64(attributes)", map(released,
                        s -> s.replace(CITY_TO_STRING, "sipHash64(attributes)")), encoded, "", 1),
                new Variant("full, attr_hash = cityHash64(mapKeys, mapValues)", map(released,
                        s -> s.replace(CITY_TO_STRING, "cityHash64(mapKeys(attributes), mapValues(attributes))")),
                        encoded, "", 1),
                new Variant("full, attr_hash = 0 (no hash, bound)", map(released,
                        s -> s.replace(CITY_TO_STRING, "toUInt64(0)")), encoded, "", 1),
                new Variant("full, 1m view groups by attrs, no any(attrs)", map(released, s -> s
                        .replace("CAST(any(attrs), 'Map(String, String)')", "CAST(attrs, 'Map(String, String)')")
                        .replace("GROUP BY minute, service, version, instance, metric, attr_hash",
                                "GROUP BY minute, service, version, instance, metric, attr_hash, attrs")), encoded, "", 1),
                new Variant("full, attr_hash column sent by the writer", hashColumn(released), withHash, "", 1),
                new Variant("full, no dedup token", released, encoded, "NO_TOKEN", 1),
                new Variant("full, token, no dedup in views", released, encoded,
                        "deduplicate_blocks_in_dependent_materialized_views = 0", 1),
                new Variant("full, max_threads = 1", released, encoded, "max_threads = 1", 1),
                new Variant("full, parallel_view_processing = 1", released, encoded, "parallel_view_processing = 1", 1),
                new Variant("full, min_insert_block_size_rows = 4M", released, encoded,
                        "min_insert_block_size_rows = 4194304, min_insert_block_size_bytes = 1073741824", 1),
                new Variant("full, 2 batches per insert", released, encoded, "", 2),
                new Variant("full, 4 batches per insert", released, encoded, "", 4),
                new Variant("metric_points only, 1/8 batch per insert", only(released, "metric_points"), eighths, "", 1),
                new Variant("full, 1/8 batch per insert", released, eighths, "", 1),
                new Variant("metric_points only, 4 batches per insert", only(released, "metric_points"), encoded, "", 4),
                new Variant("full (released schema), again", released, encoded, "", 1));

        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            ChdbEngine engine = (ChdbEngine) store.engine();
            if (!merges) {
                // Insert cost alone: background merges would charge their CPU to whichever variant runs next.
                engine.execute("SYSTEM STOP MERGES", Map.of());
            }
            System.out.printf(Locale.ROOT, "%-52s %10s %10s %8s  %s%n", "variant", "wall µs/row", "CPU µs/row",
                    "rows/s", "loadavg");
            int n = 0;
            List<Variant> runs = new ArrayList<>();
            for (int round = 0; round < repeat; round++) {
                runs.addAll(variants);
            }
            for (Variant v : runs) {
                if (!only.isEmpty() && only.stream().noneMatch(v.name::contains)) {
                    continue;
                }
                String db = "cost" + (n++);
                engine.execute("CREATE DATABASE IF NOT EXISTS " + db, Map.of());
                try {
                    for (String ddl : v.ddl) {
                        engine.execute(qualify(ddl, db), Map.of());
                        Matcher table = Pattern.compile("\\A\\s*CREATE TABLE IF NOT EXISTS ([a-z_0-9]+)").matcher(ddl);
                        if (!merges && table.find()) {
                            // per table too: the global switch does not reach tables created after it
                            engine.execute("SYSTEM STOP MERGES " + db + "." + table.group(1), Map.of());
                        }
                    }
                    String columns = "(" + String.join(", ", columns(v)) + ")";
                    insert(engine, db, columns, v, v.data.getFirst(), "warm");
                    long cpu0 = processCpuNanos();
                    long t0 = System.nanoTime();
                    for (int from = 1; from < v.data.size(); from += v.batchesPerInsert) {
                        ByteArrayOutputStream joined = new ByteArrayOutputStream();
                        for (int b = from; b < Math.min(v.data.size(), from + v.batchesPerInsert); b++) {
                            joined.writeBytes(v.data.get(b));
                        }
                        insert(engine, db, columns, v, joined.toByteArray(), "b" + from);
                    }
                    double wall = (System.nanoTime() - t0) / 1e3 / rowsTimed;
                    double cpu = (processCpuNanos() - cpu0) / 1e3 / rowsTimed;
                    String parts = new String(engine.query("SELECT count() FROM system.parts WHERE active AND database = '"
                            + db + "' AND table = 'metric_points'", Map.of(), "TabSeparated"), StandardCharsets.UTF_8).strip();
                    System.out.printf(Locale.ROOT, "%-52s %10.2f %10.2f %,8.0f  %s  (%s parts)%n", v.name, wall, cpu,
                            1e6 / wall, loadavg(), parts);
                } catch (RuntimeException e) {
                    System.out.printf(Locale.ROOT, "%-52s failed: %s%n", v.name, e.getMessage());
                } finally {
                    engine.execute("DROP DATABASE IF EXISTS " + db + " SYNC", Map.of());
                }
            }
        }
    }

    private static void insert(ChdbEngine engine, String db, String columns, Variant v, byte[] data, String token) {
        List<String> settings = new ArrayList<>(List.of("optimize_on_insert = 0"));
        if (!v.settings.equals("NO_TOKEN")) {
            settings.add("insert_deduplication_token = '" + db + "-" + token + "'");
            settings.add("deduplicate_blocks_in_dependent_materialized_views = 1");
            if (!v.settings.isEmpty()) {
                settings.removeIf(s -> s.startsWith("deduplicate_blocks") && v.settings.startsWith("deduplicate_blocks"));
                settings.add(v.settings);
            }
        }
        engine.insertStatement("INSERT INTO " + db + ".metric_points " + columns + " SETTINGS "
                + String.join(", ", settings), "RowBinary", data);
    }

    private static List<String> columns(Variant v) {
        List<String> cols = new ArrayList<>(Schema.POINT_COLUMNS.stream().map(Schema.Column::name).toList());
        if (v.data.getFirst().length > 0 && v.ddl.stream().anyMatch(s -> s.contains("attr_hash     UInt64"))) {
            cols.add("attr_hash");
        }
        return cols;
    }

    /** Migrations 1 and 4: the tables and views every metric insert touches. */
    private static List<String> released() {
        List<String> out = new ArrayList<>();
        for (Migration m : Schema.migrations(30)) {
            if (m.version() == 1 || m.version() == 4) {
                out.addAll(m.statements());
            }
        }
        return out;
    }

    /** The statements that create exactly the named tables and views. */
    private static List<String> only(List<String> ddl, String... names) {
        List<String> keep = List.of(names);
        return ddl.stream().filter(s -> {
            Matcher m = Pattern.compile("IF NOT EXISTS ([a-z_0-9]+)").matcher(s);
            return m.find() && keep.contains(m.group(1));
        }).toList();
    }

    private static List<String> map(List<String> ddl, UnaryOperator<String> f) {
        return ddl.stream().map(f).collect(Collectors.toList());
    }

    /** The raw table gains {@code attr_hash UInt64} (sent by the writer) and the 1m view reads it. */
    private static List<String> hashColumn(List<String> ddl) {
        return map(ddl, s -> s
                .replace("    bucket_counts Array(UInt64) CODEC(ZSTD(3))\n",
                        "    bucket_counts Array(UInt64) CODEC(ZSTD(3)),\n    attr_hash     UInt64 CODEC(ZSTD(1))\n")
                .replace("attributes AS attrs,\n                             " + CITY_TO_STRING + " AS attr_hash",
                        "attributes AS attrs,\n                             attr_hash"));
    }

    private static String qualify(String ddl, String db) {
        return TABLE_NAMES.matcher(ddl).replaceAll(db + ".$1");
    }

    private static MetricRow withoutResource(MetricRow r) {
        return new MetricRow(r.timeMillis(), r.startTimeMillis(), r.service(), r.version(), r.instance(), r.host(),
                r.environment(), Map.of(), r.metric(), r.unit(), r.kind(), r.monotonic(), r.delta(), r.attributes(),
                r.value(), r.count(), r.min(), r.max(), r.bounds(), r.bucketCounts());
    }

    /** RowBinary with one more UInt64 column at the end: a hash of the attributes computed in Java. */
    private static byte[] encodeWithHash(List<MetricRow> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 330);
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (MetricRow r : rows) {
            out.writeBytes(ClickHouseMetricWriter.encode(List.of(r)));
            h.clear();
            h.putLong(r.attributes().hashCode() * 0x9E3779B97F4A7C15L);
            out.writeBytes(h.array());
        }
        return out.toByteArray();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadavg() throws java.io.IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private record Variant(String name, List<String> ddl, List<byte[]> data, String settings, int batchesPerInsert) {
    }
}
