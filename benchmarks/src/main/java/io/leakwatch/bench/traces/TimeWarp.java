package io.leakwatch.bench.traces;

/**
 * A linear map of recorded time onto replay time: {@code t' = targetOrigin + (t - origin) × factor}.
 * A factor of 10 turns a 1 s export cadence into 10 s and divides every rate per hour by 10, so a trace
 * recorded in minutes stands for hours of a production service.
 *
 * @param originMillis       a recorded instant (usually the trace's first arrival)
 * @param targetOriginMillis where that instant lands in replay time
 * @param factor             stretch factor, at least 1
 */
public record TimeWarp(long originMillis, long targetOriginMillis, double factor) {

    public TimeWarp {
        if (!(factor >= 1 && factor <= 10_000)) {
            throw new IllegalArgumentException("stretch factor must be in [1, 10000], got " + factor);
        }
    }

    /** The warp under which the recorded span [firstMillis, lastMillis] ends at {@code endMillis}. */
    public static TimeWarp endingAt(long firstMillis, long lastMillis, long endMillis, double factor) {
        return new TimeWarp(firstMillis, endMillis - Math.round((lastMillis - firstMillis) * factor), factor);
    }

    public long millis(long recordedMillis) {
        return targetOriginMillis + Math.round((recordedMillis - originMillis) * factor);
    }

    /** Maps an OTLP time in nanoseconds; 0 (unset) stays 0. Sub-millisecond precision is kept relative to the origin. */
    public long nanos(long recordedNanos) {
        if (recordedNanos == 0) {
            return 0;
        }
        double offsetNanos = (recordedNanos - originMillis * 1_000_000.0) * factor;
        return targetOriginMillis * 1_000_000L + Math.round(offsetNanos);
    }
}
