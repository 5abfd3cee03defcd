-- migration 5: series-keyed storage: series, points, rollups and floors by series id

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
TTL toDateTime(last_seen) + INTERVAL 30 DAY
;

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
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

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
TTL minute + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000
;

CREATE MATERIALIZED VIEW IF NOT EXISTS series_points_1m_mv TO series_points_1m AS
SELECT series_id, toStartOfMinute(ts) AS minute, min(value) AS min_value, max(value) AS max_value,
       argMaxState(value, ts) AS last_value, toUInt64(count()) AS points
FROM series_points
GROUP BY series_id, minute
;

CREATE TABLE IF NOT EXISTS series_floors_15m (
    bucket       DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    series_id    UInt64,
    floor        SimpleAggregateFunction(min, Float64),
    points       SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(bucket)
ORDER BY (bucket, series_id)
TTL bucket + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000
;

CREATE MATERIALIZED VIEW IF NOT EXISTS series_floors_15m_mv TO series_floors_15m AS
SELECT toStartOfFifteenMinutes(ts) AS bucket, series_id, min(value) AS floor, toUInt64(count()) AS points
FROM series_points
WHERE screened
GROUP BY bucket, series_id
;

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
;

CREATE MATERIALIZED VIEW IF NOT EXISTS instance_ticks_mv TO instances_seen AS
SELECT instance,
       argMaxState(toString(service), last_ts) AS service,
       argMaxState(toString(version), last_ts) AS version,
       argMaxState(toString(host), last_ts) AS host,
       argMaxState(toString(environment), last_ts) AS environment,
       min(first_ts) AS first_seen, max(last_ts) AS last_seen, sum(points) AS points
FROM instance_ticks
GROUP BY instance
;
