package io.leakwatch.queryapi;

import io.leakwatch.store.engine.ClickHouseEngine;

import java.util.Map;

/**
 * A large fleet written straight into the rollups by SQL inside the engine ({@code INSERT … SELECT … FROM
 * numbers(…)}), so 10,000 instances × 24 h cost minutes instead of hours through the writer. The rows are
 * what the {@code series_points_1m} view would make of {@link io.leakwatch.store.SyntheticJvm}'s 10 s scrapes
 * (same metric names and attribute maps, one {@code series} row per series, {@code argMaxState}
 * for the last value; the floors filled from the rollup as the floors view would from the points), with
 * per-minute noise so fits have work to do. Instance {@code i} leaks
 * {@code leakMbPerHour} of old generation when {@code i % leakEvery == 0}; the rest are flat.
 *
 * <p>Instances are {@code inst-00000}…, services {@code svc-(i % services)}, versions {@code 1.(i % 2)},
 * environments {@code staging} when {@code i % 3 == 0} else {@code prod}. Also fills {@code instances_seen}.
 * The raw table stays empty: nothing the ranking reads comes from it.
 */
record SyntheticFleet(int instances, int minutes, int services, int leakEvery, double leakMbPerHour) {

    /** Minutes per insert: bounds the engine's memory per statement. */
    private static final int CHUNK_MINUTES = 60;

    /** The series every instance has: metric name and attributes, numbered 1.. in this order. */
    private static final String DEFS = """
                CROSS JOIN (SELECT [
                    ('jvm.memory.used', map('jvm.memory.type', 'heap', 'jvm.memory.pool.name', 'G1 Old Gen')),
                    ('jvm.memory.used', map('jvm.memory.type', 'heap', 'jvm.memory.pool.name', 'G1 Eden Space')),
                    ('jvm.memory.used_after_last_gc', map('jvm.memory.type', 'heap', 'jvm.memory.pool.name', 'G1 Old Gen')),
                    ('jvm.memory.limit', map('jvm.memory.type', 'heap', 'jvm.memory.pool.name', 'G1 Old Gen')),
                    ('jvm.memory.committed', map('jvm.memory.type', 'heap', 'jvm.memory.pool.name', 'G1 Old Gen')),
                    ('jvm.memory.committed', map('jvm.memory.type', 'heap', 'jvm.memory.pool.name', 'G1 Eden Space')),
                    ('jvm.memory.committed', map('jvm.memory.type', 'non_heap', 'jvm.memory.pool.name', 'Metaspace')),
                    ('jvm.memory.used', map('jvm.memory.type', 'non_heap', 'jvm.memory.pool.name', 'Metaspace')),
                    ('jvm.memory.limit', map('jvm.memory.type', 'non_heap', 'jvm.memory.pool.name', 'Metaspace')),
                    ('jvm.class.count', map()),
                    ('jvm.thread.count', map('jvm.thread.state', 'runnable', 'jvm.thread.daemon', 'false')),
                    ('jvm.thread.count', map('jvm.thread.state', 'waiting', 'jvm.thread.daemon', 'true')),
                    ('jvm.buffer.memory.used', map('jvm.buffer.pool.name', 'direct')),
                    ('process.memory.usage', map()),
                    ('jvm.file_descriptor.count', map()),
                    ('jvm.file_descriptor.limit', map()),
                    ('jvm.gc.duration', map('jvm.gc.name', 'G1 Young Generation', 'jvm.gc.action', 'end of minor GC')),
                    ('jvm.gc.duration', map('jvm.gc.name', 'G1 Old Generation', 'jvm.gc.action', 'end of major GC'))
                ]::Array(Tuple(String, Map(String, String))) AS series) AS defs
            """;

    private static final String ROLLUP = """
            INSERT INTO series_points_1m (series_id, minute, min_value, max_value, last_value, points)
            SELECT bitOr(bitAnd(cityHash64(instance), 18446744069414584320), toUInt64(k)) AS series_id, minute, lo, hi,
                   initializeAggregation('argMaxState', lst, toDateTime64(minute, 3, 'UTC') + toIntervalSecond(50)),
                   toUInt64(6)
            FROM (
                SELECT toDateTime(intDiv({start:Int64}, 1000), 'UTC') + toIntervalMinute(m) AS minute,
                       intDiv(n.number, {instances:UInt32}) + {fromMinute:UInt32} AS m,
                       n.number % {instances:UInt32} AS i,
                       concat('svc-', toString(i % {services:UInt32})) AS service,
                       concat('1.', toString(i % 2)) AS version,
                       concat('inst-', leftPad(toString(i), 5, '0')) AS instance,
                       if(i % {leakEvery:UInt32} = 0, {leak:Float64}, 0.0) AS leak,
                       (sipHash64(i, m) % 1000) / 1000.0 AS noise,
                       arrayJoin(arrayEnumerate(series)) AS k, series[k] AS s,
                       1048576.0 AS mb, m / 60.0 AS h,
                       200 * mb + leak * h + 12 * mb * (m % 5) + 4 * mb * noise AS old_lo,
                       200 * mb + leak * intDiv(m, 10) / 6.0 AS after_gc,
                       multiIf(k = 1, old_lo, k = 2, 0, k = 3, after_gc, k = 4, 1024 * mb, k = 5, 512 * mb,
                               k = 6, 256 * mb, k = 7, 64 * mb, k = 8, 60 * mb + mb * noise, k = 9, 256 * mb,
                               k = 10, 9000, k = 11, 10, k = 12, 18, k = 13, 8 * mb, k = 14, 1000 * mb + 8 * mb * noise,
                               k = 15, 120 + floor(4 * noise), k = 16, 65536,
                               k = 17, 0.002 * (6 * m + 1), 0.05 * (intDiv(m, 10) + 1)) AS lo,
                       multiIf(k = 1, old_lo + 10 * mb, k = 2, 200 * mb, k = 11, 12, k = 12, 20,
                               k = 17, 0.002 * (6 * m + 6), lo) AS hi,
                       multiIf(k = 11, 10 + (6 * m + 5) % 3, k = 12, 20 - (6 * m + 5) % 3, hi) AS lst
                FROM numbers({rows:UInt64}) AS n
            """ + DEFS + """
            )
            """;

    /** One identity row per instance and series, with the ids {@link #ROLLUP} gives the rows. */
    private static final String SERIES = """
            INSERT INTO series (series_id, instance, metric, service, version, host, environment, unit, kind, attributes,
                                last_seen)
            SELECT bitOr(bitAnd(cityHash64(instance), 18446744069414584320), toUInt64(k)), instance,
                   tupleElement(s, 1), concat('svc-', toString(i % {services:UInt32})), concat('1.', toString(i % 2)),
                   concat('host-', toString(i)), if(i % 3 = 0, 'staging', 'prod'), '', 'GAUGE', tupleElement(s, 2),
                   fromUnixTimestamp64Milli({end:Int64}, 'UTC')
            FROM (SELECT number AS i, concat('inst-', leftPad(toString(i), 5, '0')) AS instance,
                         arrayJoin(arrayEnumerate(series)) AS k, series[k] AS s
                  FROM numbers({instances:UInt32}) AS n
            """ + DEFS + """
            )
            """;

    /** The 15-minute floors of the screened metrics, as the floors view would have made them from the points. */
    private static final String FLOORS = """
            INSERT INTO series_floors_15m (bucket, series_id, floor, points)
            SELECT toStartOfFifteenMinutes(minute) AS bucket, series_id, min(min_value), sum(points)
            FROM series_points_1m
            WHERE series_id IN (SELECT series_id FROM series WHERE metric IN {screened:Array(String)})
            GROUP BY bucket, series_id
            """;

    private static final String SEEN = """
            INSERT INTO instances_seen
            SELECT concat('inst-', leftPad(toString(i), 5, '0')) AS instance,
                   initializeAggregation('argMaxState', concat('svc-', toString(i % {services:UInt32})), last),
                   initializeAggregation('argMaxState', concat('1.', toString(i % 2)), last),
                   initializeAggregation('argMaxState', concat('host-', toString(i)), last),
                   initializeAggregation('argMaxState', if(i % 3 = 0, 'staging', 'prod'), last),
                   fromUnixTimestamp64Milli({start:Int64}, 'UTC'), last, toUInt64({points:UInt64})
            FROM (SELECT number AS i, fromUnixTimestamp64Milli({end:Int64}, 'UTC') AS last
                  FROM numbers({instances:UInt32}))
            """;

    /** Whether instance {@code i} was planted with a leak. */
    boolean leaks(int i) {
        return i % leakEvery == 0;
    }

    static String instanceId(int i) {
        return "inst-%05d".formatted(i);
    }

    /**
     * Writes the newest {@code newestMinutes} of the fleet's minutes starting at {@code startMs} (a whole
     * minute), newest first, so that a shortened run still covers the end of the span; returns rollup rows written.
     */
    long write(ClickHouseEngine engine, long startMs, int newestMinutes) {
        int first = Math.max(0, minutes - newestMinutes);
        long written = 0;
        for (int end = minutes; end > first; end -= CHUNK_MINUTES) {
            int from = Math.max(first, end - CHUNK_MINUTES);
            int span = end - from;
            written += (long) instances * span * 18;
            engine.execute(ROLLUP, Map.of("start", startMs, "services", services, "leakEvery", leakEvery,
                    "leak", leakMbPerHour * 1024 * 1024, "rows", (long) instances * span,
                    "instances", instances, "fromMinute", from));
        }
        engine.execute(SERIES, Map.of("services", services, "end", startMs + minutes * 60_000L - 10_000L,
                "instances", instances));
        engine.execute(FLOORS, Map.of("screened", io.leakwatch.store.schema.SignalFloorsSchema.METRICS));
        engine.execute(SEEN, Map.of("services", services, "start", startMs,
                "end", startMs + minutes * 60_000L - 10_000L, "points", (long) minutes * 6 * 18, "instances", instances));
        return written;
    }
}
