package io.leakwatch.store.schema;

import java.util.List;

/**
 * Migration 5: series-keyed storage. A point row carries a 64-bit series id (see
 * {@link io.leakwatch.store.SeriesId}) instead of its identity; the identity (service, version, instance, metric,
 * attributes, resource, unit, kind) is written once per series into {@code series}. Measured on the embedded
 * engine (InsertCostBench, 66 k-row inserts): the wide raw table with its three views cost 11–13 µs of CPU per
 * point, nearly all of it in the identity columns (LowCardinality dictionaries, two maps) repeated on every row and
 * in every view's GROUP BY; the series-keyed raw table costs about 0.3 µs and with its per-minute view about 1.5 µs.
 *
 * <p>Tables:
 * <ul>
 *   <li>{@code series}: one row per series (ReplacingMergeTree on {@code last_seen}, which ingest refreshes at
 *       most hourly, so the TTL drops series that stopped reporting); sorted by instance then metric, so the
 *       series of a set of instances are a few granules.</li>
 *   <li>{@code series_points}: the raw points, sorted by series and time. {@code screened} marks the series whose
 *       floor the fleet screen reads ({@link SignalFloorsSchema#METRICS}), so the floors view needs no lookup.
 *       Since migration 6 ({@link #valuesMigration}) nothing writes it: the raw points go to {@code series_values},
 *       their histogram fields to {@code series_histograms}, and views of their own feed the same rollups.</li>
 *   <li>{@code series_points_1m}: per-minute min/max/last/count per series, filled by a view.</li>
 *   <li>{@code series_floors_15m}: per-15-minute floor of the screened series, filled by a view.</li>
 *   <li>{@code instance_ticks}: one row per instance per insert (written by ingest with the points, same
 *       deduplication token), whose view feeds the existing {@code instances_seen}; kept one day.</li>
 * </ul>
 * Points written by builds before this migration stay in {@code metric_points} and its rollups; reads use the
 * new tables only. The series id's high 32 bits hash the instance alone, so on a cluster every table with a
 * {@code series_id} is sharded by them ({@link Topology}) and an instance's series, points and rollups share a
 * shard with each other.
 */
public final class SeriesSchema {
    /** One row per series: its identity. */
    public static final String SERIES = "series";
    /** Raw points by series id: time, value and the start of a sum's interval (migration 6). */
    public static final String VALUES = "series_values";
    /** Count, sum, min, max and buckets of histogram and summary points, by series id (migration 6). */
    public static final String HISTOGRAMS = "series_histograms";
    /** Per-minute rollup by series id. */
    public static final String POINTS_1M = "series_points_1m";
    /** Per-15-minute floors of the screened series. */
    public static final String FLOORS_15M = "series_floors_15m";
    /** Per-instance activity of each insert, feeding {@code instances_seen}. */
    public static final String INSTANCE_TICKS = "instance_ticks";

    private static final String KIND = "Enum8('GAUGE' = 1, 'SUM' = 2, 'HISTOGRAM' = 3, 'EXPONENTIAL_HISTOGRAM' = 4, 'SUMMARY' = 5)";
    /** Columns of {@link #SERIES} the writer sends, in the order it encodes them, with their types. */
    public static final List<Schema.Column> SERIES_COLUMNS = List.of(
            new Schema.Column("series_id", "UInt64"),
            new Schema.Column("instance", "LowCardinality(String)"),
            new Schema.Column("metric", "LowCardinality(String)"),
            new Schema.Column("service", "LowCardinality(String)"),
            new Schema.Column("version", "LowCardinality(String)"),
            new Schema.Column("host", "LowCardinality(String)"),
            new Schema.Column("environment", "LowCardinality(String)"),
            new Schema.Column("resource", "Map(LowCardinality(String), String)"),
            new Schema.Column("unit", "LowCardinality(String)"),
            new Schema.Column("kind", KIND),
            new Schema.Column("monotonic", "Bool"),
            new Schema.Column("delta", "Bool"),
            new Schema.Column("attributes", "Map(LowCardinality(String), String)"),
            new Schema.Column("last_seen", "DateTime64(3, 'UTC')"));
    /** Columns of {@link #VALUES} in the order the writer encodes them, with their types. */
    public static final List<Schema.Column> VALUE_COLUMNS = List.of(
            new Schema.Column("series_id", "UInt64"),
            new Schema.Column("ts", "DateTime64(3, 'UTC')"),
            new Schema.Column("start_ts", "DateTime64(3, 'UTC')"),
            new Schema.Column("value", "Float64"),
            new Schema.Column("screened", "Bool"));
    /** Columns of {@link #HISTOGRAMS} in the order the writer encodes them, with their types. */
    public static final List<Schema.Column> HISTOGRAM_COLUMNS = List.of(
            new Schema.Column("series_id", "UInt64"),
            new Schema.Column("ts", "DateTime64(3, 'UTC')"),
            new Schema.Column("start_ts", "DateTime64(3, 'UTC')"),
            new Schema.Column("count", "UInt64"),
            new Schema.Column("sum", "Float64"),
            new Schema.Column("min", "Float64"),
            new Schema.Column("max", "Float64"),
            new Schema.Column("bounds", "Array(Float64)"),
            new Schema.Column("bucket_counts", "Array(UInt64)"));
    /** Columns of {@link #INSTANCE_TICKS} in the order the writer encodes them, with their types. */
    public static final List<Schema.Column> INSTANCE_TICK_COLUMNS = List.of(
            new Schema.Column("instance", "LowCardinality(String)"),
            new Schema.Column("service", "LowCardinality(String)"),
            new Schema.Column("version", "LowCardinality(String)"),
            new Schema.Column("host", "LowCardinality(String)"),
            new Schema.Column("environment", "LowCardinality(String)"),
            new Schema.Column("first_ts", "DateTime64(3, 'UTC')"),
            new Schema.Column("last_ts", "DateTime64(3, 'UTC')"),
            new Schema.Column("points", "UInt64"));

    /** The names of {@code columns}, in order. */
    public static List<String> names(List<Schema.Column> columns) {
        return columns.stream().map(Schema.Column::name).toList();
    }

    /** The per-minute rollup's view: its name and the raw table it reads. */
    private static final String ONE_MINUTE_VIEW = """
            CREATE MATERIALIZED VIEW IF NOT EXISTS %s TO series_points_1m AS
            SELECT series_id, toStartOfMinute(ts) AS minute, min(value) AS min_value, max(value) AS max_value,
                   argMaxState(value, ts) AS last_value, toUInt64(count()) AS points
            FROM %s
            GROUP BY series_id, minute
            """;
    /** The 15-minute floors' view: its name and the raw table it reads. */
    private static final String FLOORS_VIEW = """
            CREATE MATERIALIZED VIEW IF NOT EXISTS %s TO series_floors_15m AS
            SELECT toStartOfFifteenMinutes(ts) AS bucket, series_id, min(value) AS floor, toUInt64(count()) AS points
            FROM %s
            WHERE screened
            GROUP BY bucket, series_id
            """;

    private SeriesSchema() {
    }

    /**
     * Migration 6: the raw points without their histogram fields ({@code series_values}), which only histogram and
     * summary points fill, and those fields in {@code series_histograms}, for those points only; the rollups are
     * fed from {@code series_values} by views of their own. In {@code series_points} the five histogram columns were
     * half of every row's columns (a constant NaN, 0 or empty array for gauges and sums) and each was compressed at
     * every insert and merge: FleetIngestBench measured 30–50 % more points per CPU-second without them.
     */
    static Migration valuesMigration(int ttlDays) {
        return new Migration(6, "raw points without histogram fields; histogram fields apart", List.of(
                """
                CREATE TABLE IF NOT EXISTS series_values (
                    series_id     UInt64,
                    ts            DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    start_ts      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    value         Float64 CODEC(Gorilla, ZSTD(1)),
                    screened      Bool
                )
                ENGINE = MergeTree
                PARTITION BY toDate(ts)
                ORDER BY (series_id, ts)
                TTL toDateTime(ts) + INTERVAL %d DAY
                SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
                """.formatted(ttlDays),
                """
                CREATE TABLE IF NOT EXISTS series_histograms (
                    series_id     UInt64,
                    ts            DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    start_ts      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    count         UInt64 CODEC(T64, ZSTD(1)),
                    sum           Float64 CODEC(Gorilla, ZSTD(1)),
                    min           Float64 CODEC(Gorilla, ZSTD(1)),
                    max           Float64 CODEC(Gorilla, ZSTD(1)),
                    bounds        Array(Float64) CODEC(ZSTD(3)),
                    bucket_counts Array(UInt64) CODEC(ZSTD(3))
                )
                ENGINE = MergeTree
                PARTITION BY toDate(ts)
                ORDER BY (series_id, ts)
                TTL toDateTime(ts) + INTERVAL %d DAY
                SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
                """.formatted(ttlDays),
                ONE_MINUTE_VIEW.formatted("series_values_1m_mv", "series_values"),
                FLOORS_VIEW.formatted("series_values_floors_mv", "series_values")));
    }

    static Migration migration(int ttlDays) {
        return new Migration(5, "series-keyed storage: series, points, rollups and floors by series id", List.of(
                """
                CREATE TABLE IF NOT EXISTS series (
                    series_id    UInt64,
                    instance     LowCardinality(String),
                    metric       LowCardinality(String),
                    service      LowCardinality(String),
                    version      LowCardinality(String),
                    host         LowCardinality(String),
                    environment  LowCardinality(String),
                    resource     Map(LowCardinality(String), String) CODEC(ZSTD(3)),
                    unit         LowCardinality(String),
                    kind         Enum8('GAUGE' = 1, 'SUM' = 2, 'HISTOGRAM' = 3, 'EXPONENTIAL_HISTOGRAM' = 4, 'SUMMARY' = 5),
                    monotonic    Bool,
                    delta        Bool,
                    attributes   Map(LowCardinality(String), String) CODEC(ZSTD(1)),
                    attr_hash    UInt64 MATERIALIZED cityHash64(toString(attributes)),
                    last_seen    DateTime64(3, 'UTC')
                )
                ENGINE = ReplacingMergeTree(last_seen)
                ORDER BY (instance, metric, series_id)
                TTL toDateTime(last_seen) + INTERVAL %d DAY
                """.formatted(ttlDays),
                """
                CREATE TABLE IF NOT EXISTS series_points (
                    series_id     UInt64,
                    ts            DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    start_ts      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
                    value         Float64 CODEC(Gorilla, ZSTD(1)),
                    count         UInt64 CODEC(T64, ZSTD(1)),
                    min           Float64 CODEC(Gorilla, ZSTD(1)),
                    max           Float64 CODEC(Gorilla, ZSTD(1)),
                    bounds        Array(Float64) CODEC(ZSTD(3)),
                    bucket_counts Array(UInt64) CODEC(ZSTD(3)),
                    screened      Bool
                )
                ENGINE = MergeTree
                PARTITION BY toDate(ts)
                ORDER BY (series_id, ts)
                TTL toDateTime(ts) + INTERVAL %d DAY
                SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
                """.formatted(ttlDays),
                """
                CREATE TABLE IF NOT EXISTS series_points_1m (
                    series_id    UInt64,
                    minute       DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
                    min_value    SimpleAggregateFunction(min, Float64),
                    max_value    SimpleAggregateFunction(max, Float64),
                    last_value   AggregateFunction(argMax, Float64, DateTime64(3, 'UTC')),
                    points       SimpleAggregateFunction(sum, UInt64)
                )
                ENGINE = AggregatingMergeTree
                PARTITION BY toDate(minute)
                ORDER BY (series_id, minute)
                TTL minute + INTERVAL %d DAY
                SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000
                """.formatted(ttlDays),
                ONE_MINUTE_VIEW.formatted("series_points_1m_mv", "series_points"),
                """
                CREATE TABLE IF NOT EXISTS series_floors_15m (
                    bucket       DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
                    series_id    UInt64,
                    floor        SimpleAggregateFunction(min, Float64),
                    points       SimpleAggregateFunction(sum, UInt64)
                )
                ENGINE = AggregatingMergeTree
                PARTITION BY toDate(bucket)
                ORDER BY (bucket, series_id)
                TTL bucket + INTERVAL %d DAY
                SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000
                """.formatted(ttlDays),
                FLOORS_VIEW.formatted("series_floors_15m_mv", "series_points"),
                """
                CREATE TABLE IF NOT EXISTS instance_ticks (
                    instance     LowCardinality(String),
                    service      LowCardinality(String),
                    version      LowCardinality(String),
                    host         LowCardinality(String),
                    environment  LowCardinality(String),
                    first_ts     DateTime64(3, 'UTC'),
                    last_ts      DateTime64(3, 'UTC'),
                    points       UInt64
                )
                ENGINE = MergeTree
                PARTITION BY toDate(last_ts)
                ORDER BY (instance, last_ts)
                TTL toDateTime(last_ts) + INTERVAL 1 DAY
                SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
                """,
                """
                CREATE MATERIALIZED VIEW IF NOT EXISTS instance_ticks_mv TO instances_seen AS
                SELECT instance,
                       argMaxState(toString(service), last_ts) AS service,
                       argMaxState(toString(version), last_ts) AS version,
                       argMaxState(toString(host), last_ts) AS host,
                       argMaxState(toString(environment), last_ts) AS environment,
                       min(first_ts) AS first_seen, max(last_ts) AS last_seen, sum(points) AS points
                FROM instance_ticks
                GROUP BY instance
                """));
    }
}
