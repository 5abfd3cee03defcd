-- migration 2: JFR snapshots, old-object samples, allocation samples, GC summaries, stacks

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
TTL toDateTime(end_ts) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

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
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

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
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

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
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 10000, ttl_only_drop_parts = 1
;

CREATE TABLE IF NOT EXISTS jfr_stacks (
    stack_hash       Int64,
    frames           Array(String) CODEC(ZSTD(3)),
    last_seen        DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(last_seen)
ORDER BY stack_hash
TTL toDateTime(last_seen) + INTERVAL 30 DAY
;
