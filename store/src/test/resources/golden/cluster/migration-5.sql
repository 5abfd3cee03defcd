-- migration 5: series-keyed storage: series, points, rollups and floors by series id

CREATE TABLE IF NOT EXISTS leakwatch.series_local ON CLUSTER leakwatch_cluster (
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/series', '{replica}', last_seen)
ORDER BY (instance, metric, series_id)
TTL toDateTime(last_seen) + INTERVAL 30 DAY
;

CREATE TABLE IF NOT EXISTS leakwatch.series ON CLUSTER leakwatch_cluster AS leakwatch.series_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, series_local, intDiv(series_id, 4294967296))
;

CREATE TABLE IF NOT EXISTS leakwatch.series_points_local ON CLUSTER leakwatch_cluster (
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/series_points', '{replica}')
PARTITION BY toDate(ts)
ORDER BY (series_id, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

CREATE TABLE IF NOT EXISTS leakwatch.series_points ON CLUSTER leakwatch_cluster AS leakwatch.series_points_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, series_points_local, intDiv(series_id, 4294967296))
;

CREATE TABLE IF NOT EXISTS leakwatch.series_points_1m_local ON CLUSTER leakwatch_cluster (
    series_id    UInt64,
    minute       DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    min_value    SimpleAggregateFunction(min, Float64),
    max_value    SimpleAggregateFunction(max, Float64),
    last_value   AggregateFunction(argMax, Float64, DateTime64(3, 'UTC')),
    points       SimpleAggregateFunction(sum, UInt64)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/series_points_1m', '{replica}')
PARTITION BY toDate(minute)
ORDER BY (series_id, minute)
TTL minute + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 10000
;

CREATE TABLE IF NOT EXISTS leakwatch.series_points_1m ON CLUSTER leakwatch_cluster AS leakwatch.series_points_1m_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, series_points_1m_local, intDiv(series_id, 4294967296))
;

CREATE MATERIALIZED VIEW IF NOT EXISTS leakwatch.series_points_1m_mv ON CLUSTER leakwatch_cluster TO leakwatch.series_points_1m_local AS
SELECT series_id, toStartOfMinute(ts) AS minute, min(value) AS min_value, max(value) AS max_value,
       argMaxState(value, ts) AS last_value, toUInt64(count()) AS points
FROM leakwatch.series_points_local
GROUP BY series_id, minute
;

CREATE TABLE IF NOT EXISTS leakwatch.series_floors_15m_local ON CLUSTER leakwatch_cluster (
    bucket       DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    series_id    UInt64,
    floor        SimpleAggregateFunction(min, Float64),
    points       SimpleAggregateFunction(sum, UInt64)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/series_floors_15m', '{replica}')
PARTITION BY toDate(bucket)
ORDER BY (bucket, series_id)
TTL bucket + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 10000
;

CREATE TABLE IF NOT EXISTS leakwatch.series_floors_15m ON CLUSTER leakwatch_cluster AS leakwatch.series_floors_15m_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, series_floors_15m_local, intDiv(series_id, 4294967296))
;

CREATE MATERIALIZED VIEW IF NOT EXISTS leakwatch.series_floors_15m_mv ON CLUSTER leakwatch_cluster TO leakwatch.series_floors_15m_local AS
SELECT toStartOfFifteenMinutes(ts) AS bucket, series_id, min(value) AS floor, toUInt64(count()) AS points
FROM leakwatch.series_points_local
WHERE screened
GROUP BY bucket, series_id
;

CREATE TABLE IF NOT EXISTS leakwatch.instance_ticks_local ON CLUSTER leakwatch_cluster (
    instance     LowCardinality(String),
    service      LowCardinality(String),
    version      LowCardinality(String),
    host         LowCardinality(String),
    environment  LowCardinality(String),
    first_ts     DateTime64(3, 'UTC'),
    last_ts      DateTime64(3, 'UTC'),
    points       UInt64
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/instance_ticks', '{replica}')
PARTITION BY toDate(last_ts)
ORDER BY (instance, last_ts)
TTL toDateTime(last_ts) + INTERVAL 1 DAY
SETTINGS replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

CREATE TABLE IF NOT EXISTS leakwatch.instance_ticks ON CLUSTER leakwatch_cluster AS leakwatch.instance_ticks_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, instance_ticks_local, cityHash64(instance))
;

CREATE MATERIALIZED VIEW IF NOT EXISTS leakwatch.instance_ticks_mv ON CLUSTER leakwatch_cluster TO leakwatch.instances_seen_local AS
SELECT instance,
       argMaxState(toString(service), last_ts) AS service,
       argMaxState(toString(version), last_ts) AS version,
       argMaxState(toString(host), last_ts) AS host,
       argMaxState(toString(environment), last_ts) AS environment,
       min(first_ts) AS first_seen, max(last_ts) AS last_seen, sum(points) AS points
FROM leakwatch.instance_ticks_local
GROUP BY instance
;
