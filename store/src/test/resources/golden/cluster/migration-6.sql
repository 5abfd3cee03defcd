-- migration 6: raw points without histogram fields; histogram fields apart

CREATE TABLE IF NOT EXISTS leakwatch.series_values_local ON CLUSTER leakwatch_cluster (
    series_id     UInt64,
    ts            DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    start_ts      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    value         Float64 CODEC(Gorilla, ZSTD(1)),
    screened      Bool
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/series_values', '{replica}')
PARTITION BY toDate(ts)
ORDER BY (series_id, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

CREATE TABLE IF NOT EXISTS leakwatch.series_values ON CLUSTER leakwatch_cluster AS leakwatch.series_values_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, series_values_local, intDiv(series_id, 4294967296))
;

CREATE TABLE IF NOT EXISTS leakwatch.series_histograms_local ON CLUSTER leakwatch_cluster (
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/series_histograms', '{replica}')
PARTITION BY toDate(ts)
ORDER BY (series_id, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

CREATE TABLE IF NOT EXISTS leakwatch.series_histograms ON CLUSTER leakwatch_cluster AS leakwatch.series_histograms_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, series_histograms_local, intDiv(series_id, 4294967296))
;

CREATE MATERIALIZED VIEW IF NOT EXISTS leakwatch.series_values_1m_mv ON CLUSTER leakwatch_cluster TO leakwatch.series_points_1m_local AS
SELECT series_id, toStartOfMinute(ts) AS minute, min(value) AS min_value, max(value) AS max_value,
       argMaxState(value, ts) AS last_value, toUInt64(count()) AS points
FROM leakwatch.series_values_local
GROUP BY series_id, minute
;

CREATE MATERIALIZED VIEW IF NOT EXISTS leakwatch.series_values_floors_mv ON CLUSTER leakwatch_cluster TO leakwatch.series_floors_15m_local AS
SELECT toStartOfFifteenMinutes(ts) AS bucket, series_id, min(value) AS floor, toUInt64(count()) AS points
FROM leakwatch.series_values_local
WHERE screened
GROUP BY bucket, series_id
;
