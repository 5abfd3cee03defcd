package io.leakwatch.store;

/**
 * One reduced series of one instance: ascending bucket start times (epoch ms) and values, plus the limit
 * the store found for it (last value in the window), or null.
 *
 * <p>Immutable: arrays are copied in and out.
 */
public final class ReducedSeries {
    private final ReducedSignal signal;
    private final long[] timestampsMs;
    private final double[] values;
    private final Double limit;

    public ReducedSeries(ReducedSignal signal, long[] timestampsMs, double[] values, Double limit) {
        if (timestampsMs.length != values.length) {
            throw new IllegalArgumentException("timestamps and values differ in length");
        }
        this.signal = signal;
        this.timestampsMs = timestampsMs.clone();
        this.values = values.clone();
        this.limit = limit;
    }

    public ReducedSignal signal() {
        return signal;
    }

    public long[] timestampsMs() {
        return timestampsMs.clone();
    }

    public double[] values() {
        return values.clone();
    }

    public int size() {
        return values.length;
    }

    /** The limit (heap max, MaxMetaspaceSize, FD limit), or null when none is known. */
    public Double limit() {
        return limit;
    }
}
