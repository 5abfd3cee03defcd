package io.leakwatch.store;

import io.leakwatch.store.schema.Migrations;
import io.leakwatch.store.schema.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.leakwatch.store.TestRows.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EmbeddedStoreTest {
    @TempDir
    Path dir;
    Store store;

    @BeforeEach
    void open() {
        store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void migrationsAreRecordedAndIdempotent() {
        List<Integer> versions = Schema.migrations(30).stream().map(io.leakwatch.store.schema.Migration::version).toList();
        assertThat(Migrations.appliedVersions(store.engine())).containsExactlyInAnyOrderElementsOf(versions);
        store.close();
        store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
        assertThat(Migrations.apply(store.engine(), Schema.migrations(30))).isEmpty();
        assertThat(count("SELECT count() FROM schema_migrations FINAL")).isEqualTo(versions.size());
        assertThat(store.ready()).isTrue();
        assertThat(store.engine().mode()).isEqualTo("embedded");
    }

    @Test
    void writtenRowsReadBackAsInstancesAndSeries() {
        store.writer().write(TestRows.heap("checkout", "i-1", 30, T0), "checkout-0-29");
        store.writer().write(TestRows.heap("cart", "i-2", 5, T0 + 3_600_000), null);

        List<InstanceInfo> instances = store.queries().instances(T0, T0 + 7_200_000, 10);
        assertThat(instances).extracting(InstanceInfo::instance).containsExactly("i-2", "i-1");
        InstanceInfo i1 = instances.get(1);
        assertThat(i1.service()).isEqualTo("checkout");
        assertThat(i1.host()).isEqualTo("host-i-1");
        assertThat(i1.environment()).isEqualTo("prod");
        assertThat(i1.firstSeenMillis()).isEqualTo(T0);
        assertThat(i1.lastSeenMillis()).isEqualTo(T0 + 29 * 10_000L);
        assertThat(i1.points()).isEqualTo(60);
        assertThat(store.queries().instances(T0 + 10_000_000, T0 + 20_000_000, 10)).isEmpty();

        List<SeriesPoint> old = store.queries().series("i-1", "jvm.memory.used",
                Map.of("jvm.memory.pool.name", "G1 Old Gen"), T0 + 50_000, T0 + 100_000, 100);
        assertThat(old).hasSize(5);
        assertThat(old).allSatisfy(p -> assertThat(p.attributes()).containsEntry("jvm.memory.pool.name", "G1 Old Gen"));
        assertThat(old.getFirst().timeMillis()).isEqualTo(T0 + 50_000);
        assertThat(old.getFirst().value()).isCloseTo(1_000_500, within(1e-9));

        assertThat(store.queries().series("i-1", "jvm.memory.used", Map.of(), T0, T0 + 1_000_000, 1000)).hasSize(60);
        assertThat(store.queries().series("i-1", "jvm.memory.used", Map.of(), T0, T0 + 1_000_000, 7)).hasSize(7);
        assertThat(store.queries().series("i-1", "jvm.memory.used", Map.of("jvm.memory.pool.name", "nope"),
                T0, T0 + 1_000_000, 1000)).isEmpty();

        // the per-minute rollup saw every point: 30 points x 2 pools over 5 minutes
        assertThat(count("SELECT sum(points) FROM series_points_1m WHERE series_id IN "
                + "(SELECT series_id FROM series WHERE instance = 'i-1')")).isEqualTo(60);
        assertThat(new String(store.engine().query("""
                SELECT min(min_value), max(max_value), argMaxMerge(last_value) FROM series_points_1m
                WHERE series_id IN (SELECT series_id FROM series WHERE instance = {i:String}
                                    AND attributes['jvm.memory.pool.name'] = 'G1 Old Gen')
                """, Map.of("i", "i-1"), "TabSeparated"), StandardCharsets.UTF_8).trim())
                .isEqualTo("1000000\t1002900\t1002900");
    }

    @Test
    void histogramRowsRoundTrip() {
        MetricRow h = new MetricRow(T0, T0 - 60_000, "s", "", "i-h", "", "", Map.of(), "jvm.gc.duration", "s",
                MetricKind.HISTOGRAM, false, true, Map.of("jvm.gc.name", "G1 Young Generation"), 1.5, 3, 0.1, 1.0,
                List.of(0.01, 0.1, 1.0), List.of(0L, 1L, 2L, 0L));
        MetricRow gauge = MetricRow.scalar(T0, "s", "", "i-h", "jvm.memory.used", "By", MetricKind.GAUGE, Map.of(), 7);
        store.writer().write(List.of(h, gauge), "t-1");
        store.writer().write(List.of(h, gauge), "t-1"); // a replay: stored once in both tables
        String out = new String(store.engine().query("""
                SELECT s.kind, s.delta, h.count, h.sum, h.min, h.max, h.bounds, h.bucket_counts,
                       toUnixTimestamp64Milli(h.start_ts), v.value
                FROM series_histograms AS h INNER JOIN series AS s ON h.series_id = s.series_id
                INNER JOIN series_values AS v ON v.series_id = h.series_id AND v.ts = h.ts
                WHERE s.instance = {i:String}""", Map.of("i", "i-h"), "TabSeparated"),
                StandardCharsets.UTF_8).trim();
        assertThat(out).isEqualTo("HISTOGRAM\ttrue\t3\t1.5\t0.1\t1\t[0.01,0.1,1]\t[0,1,2,0]\t" + (T0 - 60_000) + "\t1.5");
        assertThat(count("SELECT count() FROM series_values")).isEqualTo(2); // the gauge has no histogram row
    }

    @Test
    void aReplayedBatchWithTheSameTokenIsStoredOnce() {
        List<MetricRow> batch = TestRows.heap("checkout", "i-1", 10, T0);
        store.writer().write(batch, "leakwatch.metrics-0-100-109");
        store.writer().write(batch, "leakwatch.metrics-0-100-109");
        assertThat(count("SELECT count() FROM series_values")).isEqualTo(20);
        assertThat(count("SELECT sum(points) FROM series_points_1m")).isEqualTo(20);
        store.writer().write(batch, "leakwatch.metrics-0-110-119");
        assertThat(count("SELECT count() FROM series_values")).isEqualTo(40);
    }

    @Test
    void hostileStringsAreValuesNotSql() {
        String hostile = "x'); DROP TABLE metric_points; --\\ \"q\" \n{evil:String} \t\0 ünï";
        MetricRow row = MetricRow.scalar(T0, "svc", "", hostile, "m", "1", MetricKind.GAUGE,
                Map.of(hostile, hostile), 42);
        store.writer().write(List.of(row), null);
        List<SeriesPoint> points = store.queries().series(hostile, "m", Map.of(hostile, hostile), T0, T0 + 1, 10);
        assertThat(points).singleElement().satisfies(p -> {
            assertThat(p.attributes()).containsExactly(Map.entry(hostile, hostile));
            assertThat(p.value()).isEqualTo(42);
        });
        assertThat(store.queries().instances(T0, T0 + 1, 10)).extracting(InstanceInfo::instance).containsExactly(hostile);
        assertThat(count("SELECT count() FROM series_values")).isEqualTo(1);
    }

    @Test
    void concurrentWritersAndReaders() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                String instance = "i-" + w;
                tasks.add(() -> {
                    for (int b = 0; b < 5; b++) {
                        store.writer().write(TestRows.heap("svc", instance, 20, T0 + b * 200_000L), instance + "-" + b);
                    }
                    return 0;
                });
                tasks.add(() -> {
                    int seen = 0;
                    for (int r = 0; r < 10; r++) {
                        seen = store.queries().series(instance, "jvm.memory.used", Map.of(), T0, T0 + 10_000_000, 10_000).size();
                        store.queries().instances(T0, T0 + 10_000_000, 100);
                    }
                    return seen;
                });
            }
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("SELECT count() FROM series_values")).isEqualTo(6 * 5 * 40);
        assertThat(store.queries().instances(T0, T0 + 10_000_000, 100)).hasSize(6)
                .allSatisfy(i -> assertThat(i.points()).isEqualTo(200));
    }

    @Test
    void everyParameterTypeRoundTripsThroughTheEngine() {
        String hostile = "q'uote \\ back\nnew {x:String} \t tab";
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("s", hostile);
        params.put("i", -42L);
        params.put("d", 2.5);
        params.put("b", true);
        params.put("t", java.time.Instant.ofEpochMilli(T0 + 123));
        params.put("m", Map.of(hostile, hostile));
        params.put("a", List.of(hostile, ""));
        String out = new String(store.engine().query("""
                SELECT {s:String} = %s AS s_ok, {i:Int64} AS i, {d:Float64} AS d, {b:Bool} AS b,
                       toUnixTimestamp64Milli({t:DateTime64(3, 'UTC')}) AS t,
                       {m:Map(String, String)}[{s:String}] = {s:String} AS m_ok, length({a:Array(String)}) AS a_len,
                       {a:Array(String)}[1] = {s:String} AS a_ok
                """.formatted(io.leakwatch.store.engine.ParamValues.quotedLiteral(hostile)), params, "TabSeparated"),
                StandardCharsets.UTF_8).trim();
        assertThat(out).isEqualTo("1\t-42\t2.5\ttrue\t" + (T0 + 123) + "\t1\t2\t1");
    }

    @Test
    void engineErrorsCarryTheEngineMessage() {
        assertThatThrownBy(() -> store.engine().query("SELECT * FROM no_such_table", Map.of(), "JSONEachRow"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Code: 60")
                .hasMessageContaining("no_such_table")
                .satisfies(e -> assertThat(((StoreException) e).retryable()).isFalse());
        assertThatThrownBy(() -> store.engine().insert("metric_points", List.of("ts"), "RowBinary", new byte[]{1, 2, 3}, null))
                .isInstanceOf(StoreException.class);
        // the pool is intact after failures
        assertThat(store.ready()).isTrue();
    }

    @Test
    void closeIsIdempotentAndLaterCallsFailClearly() {
        store.close();
        store.close();
        assertThat(store.ready()).isFalse();
        assertThatThrownBy(() -> store.queries().instances(0, 1, 1)).hasMessageContaining("closed");
        store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
        assertThat(store.ready()).isTrue();
    }

    private long count(String sql) {
        return Long.parseLong(new String(store.engine().query(sql, Map.of(), "TabSeparated"), StandardCharsets.UTF_8).trim());
    }
}
