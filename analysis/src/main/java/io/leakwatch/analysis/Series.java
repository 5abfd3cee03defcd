package io.leakwatch.analysis;

import java.util.Arrays;
import java.util.Objects;

/**
 * One signal of one instance over a window: ascending timestamps (epoch ms) and values, already
 * reduced by the store (per-minute floors, post-GC values), plus an optional limit and the unit.
 *
 * <p>Promises: immutable (arrays are copied in and out); validated at construction — equal lengths,
 * non-decreasing timestamps, finite values, at most {@link #MAX_POINTS} points, a positive finite limit
 * if any. {@link Kind#RAW} marks a sawtooth (raw heap used) that the rule reduces to its lower envelope.
 */
public final class Series {

    /** Input size limit per series. */
    public static final int MAX_POINTS = 1_000_000;

    /** What the values are. */
    public enum Kind {
        /** Floors already: post-GC values or per-bucket minima. */
        FLOOR,
        /** Raw samples of a sawtooth; the rule takes the lower envelope first. */
        RAW
    }

    private final String name;
    private final Signal signal;
    private final long[] timestampsMs;
    private final double[] values;
    private final Double limit;
    private final String unit;
    private final Kind kind;

    private Series(String name, Signal signal, long[] timestampsMs, double[] values, Double limit, String unit,
                   Kind kind) {
        this.signal = Objects.requireNonNull(signal, "signal");
        this.name = name == null ? signal.id() : name;
        this.unit = unit == null ? signal.unit() : unit;
        this.kind = Objects.requireNonNull(kind, "kind");
        if (timestampsMs.length != values.length) {
            throw new IllegalArgumentException("timestamps and values differ in length");
        }
        if (timestampsMs.length > MAX_POINTS) {
            throw new IllegalArgumentException("series longer than " + MAX_POINTS + " points");
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("value " + i + " is not finite");
            }
            if (i > 0 && timestampsMs[i] < timestampsMs[i - 1]) {
                throw new IllegalArgumentException("timestamps must be ascending (index " + i + ")");
            }
        }
        if (limit != null && !(limit > 0 && Double.isFinite(limit))) {
            throw new IllegalArgumentException("limit must be positive and finite");
        }
        this.timestampsMs = timestampsMs.clone();
        this.values = values.clone();
        this.limit = limit;
    }

    /** A floor series without a limit, named after the signal, in the signal's unit. */
    public static Series of(Signal signal, long[] timestampsMs, double[] values) {
        return new Series(null, signal, timestampsMs, values, null, null, Kind.FLOOR);
    }

    /** A series with every attribute given; null name/unit default to the signal's id/unit. */
    public static Series of(String name, Signal signal, long[] timestampsMs, double[] values, Double limit,
                            String unit, Kind kind) {
        return new Series(name, signal, timestampsMs, values, limit, unit, kind);
    }

    /** This series with a limit (heap max, MaxMetaspaceSize, container limit, FD limit, …). */
    public Series withLimit(Double newLimit) {
        return new Series(name, signal, timestampsMs, values, newLimit, unit, kind);
    }

    /** This series marked as raw sawtooth samples or as floors. */
    public Series withKind(Kind newKind) {
        return new Series(name, signal, timestampsMs, values, limit, unit, newKind);
    }

    public String name() {
        return name;
    }

    public Signal signal() {
        return signal;
    }

    public int size() {
        return values.length;
    }

    public long timestampMs(int i) {
        return timestampsMs[i];
    }

    public double value(int i) {
        return values[i];
    }

    /** A copy of the timestamps. */
    public long[] timestampsMs() {
        return timestampsMs.clone();
    }

    /** A copy of the values. */
    public double[] values() {
        return values.clone();
    }

    /** The series' own limit, or null. */
    public Double limit() {
        return limit;
    }

    /** The limit used for time to exhaustion: the series' own, else the signal's inherent one, else null. */
    public Double effectiveLimit() {
        return limit != null ? limit : signal.inherentLimit();
    }

    public String unit() {
        return unit;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return "Series[" + name + ", " + signal.id() + ", " + values.length + " points, limit=" + limit + ", "
                + kind + ", ts=" + (values.length == 0 ? "[]" : Arrays.toString(new long[] {timestampsMs[0],
                timestampsMs[values.length - 1]})) + "]";
    }
}
