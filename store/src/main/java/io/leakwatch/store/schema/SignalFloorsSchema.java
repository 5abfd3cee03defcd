package io.leakwatch.store.schema;

import java.util.List;

/**
 * Migration 4: {@code signal_floors_15m}, a coarse rollup chained on {@code metric_points_1m} that kept, per
 * instance, series and 15 minutes, only the lowest value of the metrics whose floor can grow in a leak
 * (memory pools, used after GC, classes, threads, buffers, RSS, file descriptors). The fleet ranking screens
 * every instance on such floors (about 24 rows per series for a 6 h window instead of 360) and runs the full
 * analysis only on the instances whose floors grow. Since migration 5 the floors live in
 * {@code series_floors_15m} ({@link SeriesSchema}), for the same {@link #METRICS}; this table only keeps what
 * older builds wrote.
 */
public final class SignalFloorsSchema {
    /** The metrics whose floors are kept (the analysis' growth signals; GC time is a rate, not a floor, and is left out). */
    public static final List<String> METRICS = List.of("jvm.memory.used", "jvm.memory.used_after_last_gc",
            "jvm.class.count", "jvm.thread.count", "jvm.buffer.memory.used", "process.memory.usage",
            "jvm.file_descriptor.count");

    private static final String SELECT = """
            SELECT toStartOfFifteenMinutes(minute) AS bucket, service, instance, metric, attr_hash,
                   min(min_value) AS floor, sum(points) AS points
            FROM metric_points_1m
            WHERE metric IN ('jvm.memory.used', 'jvm.memory.used_after_last_gc', 'jvm.class.count',
                             'jvm.thread.count', 'jvm.buffer.memory.used', 'process.memory.usage',
                             'jvm.file_descriptor.count')
            GROUP BY bucket, service, instance, metric, attr_hash
            """;

    private SignalFloorsSchema() {
    }

    static Migration migration(int ttlDays) {
        return new Migration(4, "coarse signal floors for fleet screening", List.of(
                """
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
                TTL bucket + INTERVAL %d DAY
                SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000
                """.formatted(ttlDays),
                "CREATE MATERIALIZED VIEW IF NOT EXISTS signal_floors_15m_mv TO signal_floors_15m AS\n" + SELECT));
    }
}
