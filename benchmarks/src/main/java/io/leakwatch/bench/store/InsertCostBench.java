package io.leakwatch.bench.store;

import io.leakwatch.bench.ingest.SyntheticFleet;
import io.leakwatch.ingest.DecodeLimits;
import io.leakwatch.ingest.OtlpMetricsDecoder;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.ClickHouseMetricWriter;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.engine.ChdbEngine;
import io.leakwatch.store.engine.ClickHouseEngine;
import io.leakwatch.store.engine.Identifiers;
import io.leakwatch.store.schema.Migration;
import io.leakwatch.store.schema.Schema;
import io.leakwatch.store.schema.SeriesSchema;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one inserted metric point costs the embedded engine, series-keyed storage (migrations 5 and 6, released) against
 * the wide layout it replaced (migrations 1 + 4), in one run: the same synthetic fleet rows
 * ({@link SyntheticFleet}, decoded once) are written, one fleet tick (the ingest's batch size) per insert, into
 * variants of the schema, each in a database of its own in one embedded store. Each variant is written the way
 * its writer writes: the wide layout as one RowBinary insert into {@code metric_points}
 * ({@link LegacyWideRowEncoder}, the previous writer's bytes); the released layout through a real
 * {@link ClickHouseMetricWriter} (identities of new series into {@code series} once, the points into
 * {@code series_values} with the dedup token, one row per instance into {@code instance_ticks}). Both pay their
 * Java encoding inside the timed loop; the header prints that part alone for reference.
 *
 * <p>Prints, per variant: wall and process CPU µs per row (CPU includes the engine's own threads, background merges
 * too), and its CPU per row over the wide layout's measured earlier in the same run. Variants: the wide layout;
 * the released series-keyed layout; the same with every series' identity written again in every batch (a restarted
 * writer, the worst case); the released layout without the view from {@code instance_ticks} to
 * {@code instances_seen}; migration 5's {@code series_points} (histogram fields on every row) with both views;
 * {@code series_values} alone; with the per-minute view; with the per-minute and floors views; and the wide layout
 * again, so drift over the run shows. A warm-up insert (its own tick, untimed) comes
 * first in each variant: for the released writer it is the one that writes every identity, so the timed inserts
 * are its steady state. {@code merges=off} stops background merges so each figure is the insert's own cost;
 * {@code only=} picks variants by name fragments; {@code repeat=} runs the list several times.
 *
 * <p>Run (a few minutes on a quiet machine; JDK 25):
 * <pre>{@code
 * ./mvnw -B -q -pl benchmarks -am install -DskipTests
 * java --enable-native-access=ALL-UNNAMED -Xmx3g -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *     io.leakwatch.bench.store.InsertCostBench [instances=2000] [ticks=8] [merges=off] [repeat=1] [only=fragment,...]
 * }</pre>
 */
public final class InsertCostBench {
    /** Every table and view the variants create; longer names first, so a prefix never wins. */
    private static final Pattern TABLE_NAMES = Pattern.compile(
            "\\b(metric_points_1m_mv|metric_points_1m|metric_points|instances_seen_mv|instances_seen"
                    + "|signal_floors_15m_mv|signal_floors_15m|series_points_1m_mv|series_points_1m|series_points"
                    + "|series_values_1m_mv|series_values_floors_mv|series_values|series_histograms"
                    + "|series_floors_15m_mv|series_floors_15m|instance_ticks_mv|instance_ticks|series)\\b");
    private static final Pattern CREATED = Pattern.compile("IF NOT EXISTS ([a-z_0-9]+)");
    private static final Map<String, String> NO_MERGE_ON_INSERT = Map.of("optimize_on_insert", "0");
    private static final List<String> VALUE_COLUMNS = SeriesSchema.names(SeriesSchema.VALUE_COLUMNS);
    private static final String WIDE_POINTS = "metric_points";
    private static final String WIDE = "wide (migrations 1+4, the previous layout)";

    private InsertCostBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are name=value, got " + a);
            }
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
        // One warm-up batch (index 0) and `ticks` timed batches, one per fleet tick: 2,000 JVMs x 33 points is
        // one full ingest batch (2,000 records).
        for (int tick = 0; tick <= ticks; tick++) {
            List<MetricRow> rows = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                long t = fleet.exportTimeMillis(i, tick0 + tick * SyntheticFleet.TICK_MILLIS);
                rows.addAll(decoder.decodeProtobuf(fleet.export(i, tick, t).toByteArray()).rows());
            }
            batches.add(rows);
        }
        long rowsTimed = batches.stream().skip(1).mapToLong(List::size).sum();
        long rowsAll = rowsTimed + batches.getFirst().size();

        System.out.printf(Locale.ROOT, "%,d timed rows in %d inserts of %,d rows; Java encoding alone: wide %.2f µs/row,"
                        + " series_values (series ids included) %.2f µs/row; merges %s; load %s%n", rowsTimed, ticks,
                batches.get(1).size(), encodeMicrosPerRow(batches, LegacyWideRowEncoder::encode),
                encodeMicrosPerRow(batches, ClickHouseMetricWriter::encodeValues), merges ? "on" : "off", loadavg());

        List<String> wide = migrations(1, 4);
        // instance_ticks' view feeds migration 1's instances_seen, which the released store keeps
        List<String> series = new ArrayList<>(only(migrations(1), "instances_seen"));
        series.addAll(migrations(5, 6));
        Function<ClickHouseEngine, MetricWriter> wideWriter = e -> (rows, token) -> e.insert(WIDE_POINTS,
                LegacyWideRowEncoder.COLUMNS, "RowBinary", LegacyWideRowEncoder.encode(rows), token, NO_MERGE_ON_INSERT);
        Function<ClickHouseEngine, MetricWriter> valuesOnlyWriter = e -> (rows, token) -> e.insert(SeriesSchema.VALUES,
                VALUE_COLUMNS, "RowBinary", ClickHouseMetricWriter.encodeValues(rows), token, NO_MERGE_ON_INSERT);
        Function<ClickHouseEngine, MetricWriter> seriesPointsWriter = e -> (rows, token) -> e.insert("series_points",
                LegacyWideRowEncoder.SERIES_POINT_COLUMNS, "RowBinary", LegacyWideRowEncoder.encodeSeriesPoints(rows),
                token, NO_MERGE_ON_INSERT);
        List<Variant> variants = List.of(
                new Variant(WIDE, wide, WIDE_POINTS, wideWriter, true),
                new Variant("series-keyed (migrations 5+6, released)", series, SeriesSchema.VALUES,
                        ClickHouseMetricWriter::new, false),
                new Variant("series-keyed, every identity rewritten each batch", series, SeriesSchema.VALUES,
                        e -> (rows, token) -> new ClickHouseMetricWriter(e).write(rows, token), false),
                new Variant("series-keyed, instance_ticks without its view", only(series, "series", "series_values",
                        "series_histograms", "series_points_1m", "series_values_1m_mv", "series_floors_15m",
                        "series_values_floors_mv", "instance_ticks"), SeriesSchema.VALUES, ClickHouseMetricWriter::new,
                        false),
                new Variant("series_points (mig. 5) + 1m view + floors view", only(series, "series_points",
                        "series_points_1m", "series_points_1m_mv", "series_floors_15m", "series_floors_15m_mv"),
                        "series_points", seriesPointsWriter, false),
                new Variant("series_values only", only(series, "series_values"), SeriesSchema.VALUES,
                        valuesOnlyWriter, false),
                new Variant("series_values + 1m view", only(series, "series_values", "series_points_1m",
                        "series_values_1m_mv"), SeriesSchema.VALUES, valuesOnlyWriter, false),
                new Variant("series_values + 1m view + floors view", only(series, "series_values", "series_points_1m",
                        "series_values_1m_mv", "series_floors_15m", "series_values_floors_mv"), SeriesSchema.VALUES,
                        valuesOnlyWriter, false),
                new Variant(WIDE + ", again", wide, WIDE_POINTS, wideWriter, true));

        Path dir = Files.createTempDirectory("leakwatch-insert-cost-");
        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            ChdbEngine engine = (ChdbEngine) store.engine();
            if (!merges) {
                // Insert cost alone: background merges would charge their CPU to whichever variant runs next.
                engine.execute("SYSTEM STOP MERGES", Map.of());
            }
            System.out.printf(Locale.ROOT, "%-52s %11s %10s %8s %10s  %-14s  %s%n", "variant", "wall µs/row",
                    "CPU µs/row", "rows/s", "CPU / wide", "loadavg", "raw table");
            double wideCpu = Double.NaN;
            int n = 0;
            for (int round = 0; round < repeat; round++) {
                for (Variant v : variants) {
                    if (!only.isEmpty() && only.stream().noneMatch(v.name::contains)) {
                        continue;
                    }
                    String db = "cost" + (n++);
                    try {
                        double[] cost = run(engine, db, v, batches, rowsTimed, merges);
                        if (v.baseline && Double.isNaN(wideCpu)) {
                            wideCpu = cost[1];
                        }
                        long stored = count(engine, "SELECT count() FROM " + db + "." + v.rawTable);
                        String parts = new String(engine.query("SELECT count() FROM system.parts WHERE active AND"
                                + " database = {db:String} AND table = {t:String}", Map.of("db", db, "t", v.rawTable),
                                "TabSeparated"), StandardCharsets.UTF_8).strip();
                        String ratio = Double.isNaN(wideCpu) ? "-" : String.format(Locale.ROOT, "%.2fx", cost[1] / wideCpu);
                        System.out.printf(Locale.ROOT, "%-52s %11.2f %10.2f %,8.0f %10s  %-14s  %s parts, %,d rows%s%n",
                                v.name, cost[0], cost[1], 1e6 / cost[0], ratio, loadavg(), parts, stored,
                                stored == rowsAll ? "" : " (expected " + rowsAll + ")");
                    } catch (RuntimeException e) {
                        System.out.printf(Locale.ROOT, "%-52s failed: %s%n", v.name, e.getMessage());
                    } finally {
                        engine.execute("DROP DATABASE IF EXISTS " + db + " SYNC", Map.of());
                    }
                }
                // the next round measures its own baseline, so a ratio never spans rounds
                wideCpu = Double.NaN;
            }
        }
    }

    /** {wall µs/row, CPU µs/row} of the timed batches written into a fresh database {@code db}. */
    private static double[] run(ChdbEngine engine, String db, Variant v, List<List<MetricRow>> batches, long rowsTimed,
                                boolean merges) {
        engine.execute("CREATE DATABASE IF NOT EXISTS " + db, Map.of());
        for (String ddl : v.ddl) {
            engine.execute(TABLE_NAMES.matcher(ddl).replaceAll(db + ".$1"), Map.of());
            Matcher table = Pattern.compile("\\A\\s*CREATE TABLE IF NOT EXISTS ([a-z_0-9]+)").matcher(ddl);
            if (!merges && table.find()) {
                // per table too: the global switch does not reach tables created after it
                engine.execute("SYSTEM STOP MERGES " + db + "." + table.group(1), Map.of());
            }
        }
        MetricWriter writer = v.writer.apply(new DatabaseEngine(engine, db));
        writer.write(batches.getFirst(), db + "-warm");
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int b = 1; b < batches.size(); b++) {
            writer.write(batches.get(b), db + "-b" + b);
        }
        return new double[] {(System.nanoTime() - t0) / 1e3 / rowsTimed, (processCpuNanos() - cpu0) / 1e3 / rowsTimed};
    }

    /** µs per row of {@code encoder} over all batches, after three passes to warm the JIT. */
    private static double encodeMicrosPerRow(List<List<MetricRow>> batches, Function<List<MetricRow>, byte[]> encoder) {
        for (int k = 0; k < 3; k++) {
            batches.forEach(encoder::apply);
        }
        long t0 = System.nanoTime();
        batches.forEach(encoder::apply);
        return (System.nanoTime() - t0) / 1e3 / batches.stream().mapToLong(List::size).sum();
    }

    /** The statements of the given migrations, in order. */
    private static List<String> migrations(int... versions) {
        List<String> out = new ArrayList<>();
        for (Migration m : Schema.migrations(30)) {
            for (int v : versions) {
                if (m.version() == v) {
                    out.addAll(m.statements());
                }
            }
        }
        return out;
    }

    /** The statements that create exactly the named tables and views. */
    private static List<String> only(List<String> ddl, String... names) {
        List<String> keep = List.of(names);
        return ddl.stream().filter(s -> {
            Matcher m = CREATED.matcher(s);
            return m.find() && keep.contains(m.group(1));
        }).toList();
    }

    private static long count(ChdbEngine engine, String sql) {
        String s = new String(engine.query(sql, Map.of(), "TabSeparated"), StandardCharsets.UTF_8).strip();
        return s.isEmpty() ? 0 : Long.parseLong(s);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadavg() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    /**
     * A layout to measure: the DDL creating it, the table holding its points, how its rows are written (given an
     * engine whose inserts land in the variant's database) and whether it is the wide baseline.
     */
    private record Variant(String name, List<String> ddl, String rawTable, Function<ClickHouseEngine, MetricWriter> writer,
                           boolean baseline) {
    }

    /**
     * The embedded engine with every insert aimed at tables of one database, so that the product's writer (which
     * names tables unqualified) fills a variant's database. Only inserts are redirected: the benchmark qualifies
     * its own SQL.
     */
    private static final class DatabaseEngine implements ClickHouseEngine {
        private static final String PREFIX = "INSERT INTO ";
        private final ChdbEngine engine;
        private final String database;

        DatabaseEngine(ChdbEngine engine, String database) {
            this.engine = engine;
            this.database = Identifiers.identifier(database);
        }

        @Override
        public long insert(String table, List<String> columns, String format, byte[] data, String dedupToken,
                           Map<String, String> settings) {
            String sql = Identifiers.insertStatement(table, columns, dedupToken, settings);
            return engine.insertStatement(PREFIX + database + "." + sql.substring(PREFIX.length()), format, data);
        }

        @Override
        public void execute(String sql, Map<String, ?> params) {
            engine.execute(sql, params);
        }

        @Override
        public byte[] query(String sql, Map<String, ?> params, String format) {
            return engine.query(sql, params, format);
        }

        @Override
        public boolean ping() {
            return engine.ping();
        }

        @Override
        public String mode() {
            return engine.mode();
        }

        @Override
        public void close() {
            // the store owns the engine
        }
    }
}
