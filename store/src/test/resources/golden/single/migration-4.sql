-- migration 4: coarse signal floors for fleet screening

CREATE TABLE IF NOT EXISTS signal_floors_15m (
    bucket       DateTime('UTC') CODEC(DoubleDelta, ZSTD(1)),
    service      LowCardinality(String),
    instance     LowCardinality(String),
    metric       LowCardinality(String),
    attr_hash    UInt64,
    floor        SimpleAggregateFunction(min, Float64),
    points       SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(bucket)
ORDER BY (bucket, service, instance, metric, attr_hash)
TTL bucket + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000
;

CREATE MATERIALIZED VIEW IF NOT EXISTS signal_floors_15m_mv TO signal_floors_15m AS
SELECT toStartOfFifteenMinutes(minute) AS bucket, service, instance, metric, attr_hash,
       min(min_value) AS floor, sum(points) AS points
FROM metric_points_1m
WHERE metric IN ('jvm.memory.used', 'jvm.memory.used_after_last_gc', 'jvm.class.count',
                 'jvm.thread.count', 'jvm.buffer.memory.used', 'process.memory.usage',
                 'jvm.file_descriptor.count')
GROUP BY bucket, service, instance, metric, attr_hash
;
