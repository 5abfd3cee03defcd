package io.leakwatch.store.schema;

import java.util.List;

/**
 * LeakWatch's ClickHouse schema as versioned migrations. The list only grows: a released migration is
 * never edited; a change is a new version. Every statement is idempotent on its own ({@code IF NOT EXISTS}),
 * so a migration interrupted half-way is simply run again.
 *
 * <p>Tables: migration 1 {@code metric_points} (raw points with their identity on every row),
 * {@code metric_points_1m} (per-minute rollup) and {@code instances_seen} (first/last seen and identity per
 * instance, so listing instances never scans raw points); migration 2 the JFR evidence: {@code jfr_snapshots},
 * {@code jfr_old_objects}, {@code jfr_alloc_samples}, {@code jfr_gc} and {@code jfr_stacks}; migration 3 the
 * alerting tables; migration 4 {@code signal_floors_15m} ({@link SignalFloorsSchema}), per-15-minute floors for
 * fleet screening. Migration 5 ({@link SeriesSchema}) replaced the points and their rollups by series-keyed
 * tables, about ten times cheaper to insert; since then nothing writes {@code metric_points},
 * {@code metric_points_1m} or {@code signal_floors_15m} (they keep what older builds wrote until their TTL), and
 * {@code instances_seen} is fed from {@code instance_ticks}. Migration 6 moved the raw points to
 * {@code series_values} and their histogram fields to {@code series_histograms}; {@code series_points} keeps what
 * older builds wrote until its TTL.
 */
public final class Schema {
    /** Columns of migration 1's {@code metric_points}, with their types (the layout before migration 5). */
    public static final List<Column> POINT_COLUMNS = List.of(
            new Column("ts", "DateTime64(3, 'UTC')"),
            new Column("start_ts", "DateTime64(3, 'UTC')"),
            new Column("service", "LowCardinality(String)"),
            new Column("version", "LowCardinality(String)"),
            new Column("instance", "LowCardinality(String)"),
            new Column("host", "LowCardinality(String)"),
            new Column("environment", "LowCardinality(String)"),
            new Column("resource", "Map(LowCardinality(String), String)"),
            new Column("metric", "LowCardinality(String)"),
            new Column("unit", "LowCardinality(String)"),
            new Column("kind", "Enum8('GAUGE' = 1, 'SUM' = 2, 'HISTOGRAM' = 3, 'EXPONENTIAL_HISTOGRAM' = 4, 'SUMMARY' = 5)"),
            new Column("monotonic", "Bool"),
            new Column("delta", "Bool"),
            new Column("attributes", "Map(LowCardinality(String), String)"),
            new Column("value", "Float64"),
            new Column("count", "UInt64"),
            new Column("min", "Float64"),
            new Column("max", "Float64"),
            new Column("bounds", "Array(Float64)"),
            new Column("bucket_counts", "Array(UInt64)"));

    /** A column name and its ClickHouse type. */
    public record Column(String name, String type) {
    }

    private Schema() {
    }

    /** All migrations, oldest first. {@code ttlDays} is a validated integer, the only value formatted into DDL. */
    public static List<Migration> migrations(int ttlDays) {
        if (ttlDays < 1 || ttlDays > 3650) {
            throw new IllegalArgumentException("ttlDays must be 1..3650, got " + ttlDays);
        }
        return List.of(new Migration(1, "metric points, per-minute rollup, instances", List.of(
                """
                CREATE TABLE IF NOT EXISTS metric_points (
                    ts            DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    start_ts      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    service       LowCardinality(String),
                    version       LowCardinality(String),
                    instance      LowCardinality(String),
                    host          LowCardinality(String),
                    environment   LowCardinality(String),
                    resource      Map(LowCardinality(String), String) CODEC(ZSTD(3)),
                    metric        LowCardinality(String),
                    unit          LowCardinality(String),
                    kind          Enum8('GAUGE' = 1, 'SUM' = 2, 'HISTOGRAM' = 3, 'EXPONENTIAL_HISTOGRAM' = 4, 'SUMMARY' = 5),
                    monotonic     Bool,
                    delta         Bool,
                    attributes    Map(LowCardinality(String), String) CODEC(ZSTD(1)),
                    value         Float64 CODEC(Gorilla, ZSTD(1)),
                    count         UInt64 CODEC(T64, ZSTD(1)),
                    min           Float64 CODEC(Gorilla, ZSTD(1)),
                    max           Float64 CODEC(Gorilla, ZSTD(1)),
                    bounds        Array(Float64) CODEC(ZSTD(3)),
                    bucket_counts Array(UInt64) CODEC(ZSTD(3))
                )
                ENGINE = MergeTree
                PARTITION BY toDate(ts)
                ORDER BY (service, instance, metric, ts)
                TTL toDateTime(ts) + INTERVAL %d DAY
                SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
                """.formatted(ttlDays),
                """
                CREATE TABLE IF NOT EXISTS metric_points_1m (
                    minute       DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
                    service      LowCardinality(String),
                    version      LowCardinality(String),
                    instance     LowCardinality(String),
                    metric       LowCardinality(String),
                    attr_hash    UInt64,
                    attributes   SimpleAggregateFunction(any, Map(String, String)) CODEC(ZSTD(1)),
                    min_value    SimpleAggregateFunction(min, Float64),
                    max_value    SimpleAggregateFunction(max, Float64),
                    last_value   AggregateFunction(argMax, Float64, DateTime64(3, 'UTC')),
                    points       SimpleAggregateFunction(sum, UInt64)
                )
                ENGINE = AggregatingMergeTree
                PARTITION BY toDate(minute)
                ORDER BY (service, metric, version, instance, attr_hash, minute)
                TTL minute + INTERVAL %d DAY
                SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000
                """.formatted(ttlDays),
                """
                CREATE MATERIALIZED VIEW IF NOT EXISTS metric_points_1m_mv TO metric_points_1m AS
                SELECT toStartOfMinute(ts) AS minute, service, version, instance, metric, attr_hash,
                       CAST(any(attrs), 'Map(String, String)') AS attributes,
                       min(value) AS min_value, max(value) AS max_value,
                       argMaxState(value, ts) AS last_value, toUInt64(count()) AS points
                FROM (SELECT ts, service, version, instance, metric, value, attributes AS attrs,
                             cityHash64(toString(attributes)) AS attr_hash
                      FROM metric_points)
                GROUP BY minute, service, version, instance, metric, attr_hash
                """,
                """
                CREATE TABLE IF NOT EXISTS instances_seen (
                    instance     LowCardinality(String),
                    service      AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
                    version      AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
                    host         AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
                    environment  AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
                    first_seen   SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
                    last_seen    SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
                    points       SimpleAggregateFunction(sum, UInt64)
                )
                ENGINE = AggregatingMergeTree
                ORDER BY instance
                TTL toDateTime(last_seen) + INTERVAL %d DAY
                SETTINGS non_replicated_deduplication_window = 10000
                """.formatted(ttlDays),
                """
                CREATE MATERIALIZED VIEW IF NOT EXISTS instances_seen_mv TO instances_seen AS
                SELECT instance,
                       argMaxState(toString(service), ts) AS service,
                       argMaxState(toString(version), ts) AS version,
                       argMaxState(toString(host), ts) AS host,
                       argMaxState(toString(environment), ts) AS environment,
                       min(ts) AS first_seen, max(ts) AS last_seen, toUInt64(count()) AS points
                FROM metric_points
                GROUP BY instance
                """)),
                new Migration(2, "JFR snapshots, old-object samples, allocation samples, GC summaries, stacks",
                        jfrTables(ttlDays)),
                io.leakwatch.store.alerts.AlertSchema.migration(),
                SignalFloorsSchema.migration(ttlDays),
                SeriesSchema.migration(ttlDays),
                SeriesSchema.valuesMigration(ttlDays));
    }

    /** JFR snapshot table. */
    public static final String JFR_SNAPSHOTS = "jfr_snapshots";
    /** One row per {@code jdk.OldObjectSample}, stamped with its snapshot's end (dump) time. */
    public static final String JFR_OLD_OBJECTS = "jfr_old_objects";
    /** One row per {@code jdk.ObjectAllocationSample}. */
    public static final String JFR_ALLOC_SAMPLES = "jfr_alloc_samples";
    /** One row per garbage collection seen in a snapshot, heap before and after. */
    public static final String JFR_GC = "jfr_gc";
    /** Stack traces by hash, shared by every sample that has the same frames. */
    public static final String JFR_STACKS = "jfr_stacks";

    /**
     * Migration 2. Samples refer to stacks by a 64-bit hash of their frames (computed by ingest) instead of
     * repeating them; {@code jfr_stacks} is a ReplacingMergeTree keyed by that hash, so writing a known stack
     * again only refreshes its {@code last_seen} (which drives its TTL). The sample tables are plain MergeTrees
     * with the same insert deduplication window as {@code metric_points}, so a replayed batch is dropped.
     */
    private static List<String> jfrTables(int ttlDays) {
        return List.of(
                """
                CREATE TABLE IF NOT EXISTS jfr_snapshots (
                    snapshot_id      String,
                    start_ts         DateTime64(3, 'UTC'),
                    end_ts           DateTime64(3, 'UTC'),
                    service          LowCardinality(String),
                    version          LowCardinality(String),
                    instance         LowCardinality(String),
                    host             LowCardinality(String),
                    resource         Map(LowCardinality(String), String) CODEC(ZSTD(3)),
                    compressed_bytes UInt64,
                    jfr_bytes        UInt64,
                    old_objects      UInt32,
                    alloc_samples    UInt32,
                    gc_events        UInt32,
                    stacks           UInt32
                )
                ENGINE = MergeTree
                PARTITION BY toDate(end_ts)
                ORDER BY (instance, end_ts, snapshot_id)
                TTL toDateTime(end_ts) + INTERVAL %d DAY
                SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
                """.formatted(ttlDays),
                """
                CREATE TABLE IF NOT EXISTS jfr_old_objects (
                    ts               DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    snapshot_id      String CODEC(ZSTD(1)),
                    service          LowCardinality(String),
                    version          LowCardinality(String),
                    instance         LowCardinality(String),
                    class            LowCardinality(String),
                    allocation_ts    DateTime64(3, 'UTC') CODEC(Delta, ZSTD(1)),
                    age_ms           Int64 CODEC(T64, ZSTD(1)),
                    array_size       Int32,
                    heap_used        UInt64 CODEC(T64, ZSTD(1)),
                    stack_hash       Int64,
                    root_type        LowCardinality(String),
                    root_system      LowCardinality(String),
                    root_description String CODEC(ZSTD(3)),
                    ref_chain        Array(String) CODEC(ZSTD(3))
                )
                ENGINE = MergeTree
                PARTITION BY toDate(ts)
                ORDER BY (instance, ts, class)
                TTL toDateTime(ts) + INTERVAL %d DAY
                SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
                """.formatted(ttlDays),
                """
                CREATE TABLE IF NOT EXISTS jfr_alloc_samples (
                    ts               DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    snapshot_id      String CODEC(ZSTD(1)),
                    service          LowCardinality(String),
                    version          LowCardinality(String),
                    instance         LowCardinality(String),
                    class            LowCardinality(String),
                    weight           UInt64 CODEC(T64, ZSTD(1)),
                    stack_hash       Int64
                )
                ENGINE = MergeTree
                PARTITION BY toDate(ts)
                ORDER BY (instance, ts, class)
                TTL toDateTime(ts) + INTERVAL %d DAY
                SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
                """.formatted(ttlDays),
                """
                CREATE TABLE IF NOT EXISTS jfr_gc (
                    ts               DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    snapshot_id      String CODEC(ZSTD(1)),
                    service          LowCardinality(String),
                    version          LowCardinality(String),
                    instance         LowCardinality(String),
                    gc_id            UInt32,
                    gc_name          LowCardinality(String),
                    cause            LowCardinality(String),
                    heap_before      UInt64,
                    heap_after       UInt64,
                    pause_ms         Float64
                )
                ENGINE = MergeTree
                PARTITION BY toDate(ts)
                ORDER BY (instance, ts)
                TTL toDateTime(ts) + INTERVAL %d DAY
                SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
                """.formatted(ttlDays),
                """
                CREATE TABLE IF NOT EXISTS jfr_stacks (
                    stack_hash       Int64,
                    frames           Array(String) CODEC(ZSTD(3)),
                    last_seen        DateTime64(3, 'UTC')
                )
                ENGINE = ReplacingMergeTree(last_seen)
                ORDER BY stack_hash
                TTL toDateTime(last_seen) + INTERVAL %d DAY
                """.formatted(ttlDays));
    }
}
