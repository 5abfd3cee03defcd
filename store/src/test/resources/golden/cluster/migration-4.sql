-- migration 4: coarse signal floors for fleet screening

CREATE TABLE IF NOT EXISTS leakwatch.signal_floors_15m_local ON CLUSTER leakwatch_cluster (
    bucket       DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    service      LowCardinality(String),
    instance     LowCardinality(String),
    metric       LowCardinality(String),
    attr_hash    UInt64,
    floor        SimpleAggregateFunction(min, Float64),
    points       SimpleAggregateFunction(sum, UInt64)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/signal_floors_15m', '{replica}')
PARTITION BY toDate(bucket)
ORDER BY (bucket, service, instance, metric, attr_hash)
TTL bucket + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, replicated_deduplication_window = 10000
;

CREATE TABLE IF NOT EXISTS leakwatch.signal_floors_15m ON CLUSTER leakwatch_cluster AS leakwatch.signal_floors_15m_local
ENGINE = Distributed(leakwatch_cluster, leakwatch, signal_floors_15m_local, cityHash64(instance))
;

CREATE MATERIALIZED VIEW IF NOT EXISTS leakwatch.signal_floors_15m_mv ON CLUSTER leakwatch_cluster TO leakwatch.signal_floors_15m_local AS
SELECT toStartOfFifteenMinutes(minute) AS bucket, service, instance, metric, attr_hash,
       min(min_value) AS floor, sum(points) AS points
FROM leakwatch.metric_points_1m_local
WHERE metric IN ('jvm.memory.used', 'jvm.memory.used_after_last_gc', 'jvm.class.count',
                 'jvm.thread.count', 'jvm.buffer.memory.used', 'process.memory.usage',
                 'jvm.file_descriptor.count')
GROUP BY bucket, service, instance, metric, attr_hash
;
