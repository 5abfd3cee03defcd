-- migration 1: metric points, per-minute rollup, instances

CREATE TABLE IF NOT EXISTS leakwatch.metric_points_local ON CLUSTER leakwatch_cluster (
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/metric_points', '{replica}')
PARTITION BY toDate(ts)
ORDER BY (service, instance, metric, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

CREATE TABLE IF NOT EXISTS leakwatch.metric_points ON CLUSTER leakwatch_cluster AS leakwatch.metric_points_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, metric_points_local, cityHash64(instance))
;

CREATE TABLE IF NOT EXISTS leakwatch.metric_points_1m_local ON CLUSTER leakwatch_cluster (
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
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/metric_points_1m', '{replica}')
PARTITION BY toDate(minute)
ORDER BY (service, metric, version, instance, attr_hash, minute)
TTL minute + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 10000
;

CREATE TABLE IF NOT EXISTS leakwatch.metric_points_1m ON CLUSTER leakwatch_cluster AS leakwatch.metric_points_1m_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, metric_points_1m_local, cityHash64(instance))
;

CREATE MATERIALIZED VIEW IF NOT EXISTS leakwatch.metric_points_1m_mv ON CLUSTER leakwatch_cluster TO leakwatch.metric_points_1m_local AS
SELECT toStartOfMinute(ts) AS minute, service, version, instance, metric, attr_hash,
       CAST(any(attrs), 'Map(String, String)') AS attributes,
       min(value) AS min_value, max(value) AS max_value,
       argMaxState(value, ts) AS last_value, toUInt64(count()) AS points
FROM (SELECT ts, service, version, instance, metric, value, attributes AS attrs,
             cityHash64(toString(attributes)) AS attr_hash
      FROM leakwatch.metric_points_local)
GROUP BY minute, service, version, instance, metric, attr_hash
;

CREATE TABLE IF NOT EXISTS leakwatch.instances_seen_local ON CLUSTER leakwatch_cluster (
    instance     LowCardinality(String),
    service      AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    version      AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    host         AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    environment  AggregateFunction(argMax, String, DateTime64(3, 'UTC')),
    first_seen   SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_seen    SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    points       SimpleAggregateFunction(sum, UInt64)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/instances_seen', '{replica}')
ORDER BY instance
TTL toDateTime(last_seen) + INTERVAL 30 DAY
SETTINGS replicated_deduplication_window = 10000
;

CREATE TABLE IF NOT EXISTS leakwatch.instances_seen ON CLUSTER leakwatch_cluster AS leakwatch.instances_seen_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, instances_seen_local, cityHash64(instance))
;

CREATE MATERIALIZED VIEW IF NOT EXISTS leakwatch.instances_seen_mv ON CLUSTER leakwatch_cluster TO leakwatch.instances_seen_local AS
SELECT instance,
       argMaxState(toString(service), ts) AS service,
       argMaxState(toString(version), ts) AS version,
       argMaxState(toString(host), ts) AS host,
       argMaxState(toString(environment), ts) AS environment,
       min(ts) AS first_seen, max(ts) AS last_seen, toUInt64(count()) AS points
FROM leakwatch.metric_points_local
GROUP BY instance
;
