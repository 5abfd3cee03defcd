package io.leakwatch.analysis.stats;

import java.util.Arrays;

/**
 * The lower envelope of a sawtooth: the minimum of each fixed time bucket, kept at the time it occurred.
 *
 * <p>Used when there is no post-GC data: the floor a heap returns to after each collection grows with a
 * leak, while the peaks only reflect allocation between collections. Buckets are aligned to multiples
 * of the bucket width since the epoch, so two calls over overlapping data agree. Empty buckets are
 * skipped.
 */
public final class LowerEnvelope {

    /**
     * The envelope's points.
     *
     * @param timestampsMs time of each bucket's minimum, ascending
     * @param values       each bucket's minimum
     */
    public record Points(long[] timestampsMs, double[] values) {
    }

    private LowerEnvelope() {
    }

    /**
     * Computes the per-bucket minima of a series whose timestamps are ascending.
     *
     * @param bucketMs bucket width in milliseconds, &gt; 0
     */
    public static Points of(long[] timestampsMs, double[] values, long bucketMs) {
        if (bucketMs <= 0) {
            throw new IllegalArgumentException("bucketMs must be positive");
        }
        long[] ts = new long[timestampsMs.length];
        double[] vs = new double[values.length];
        int out = -1;
        long currentBucket = Long.MIN_VALUE;
        for (int i = 0; i < timestampsMs.length; i++) {
            long bucket = Math.floorDiv(timestampsMs[i], bucketMs);
            if (bucket != currentBucket) {
                currentBucket = bucket;
                out++;
                ts[out] = timestampsMs[i];
                vs[out] = values[i];
            } else if (values[i] < vs[out]) {
                ts[out] = timestampsMs[i];
                vs[out] = values[i];
            }
        }
        return new Points(Arrays.copyOf(ts, out + 1), Arrays.copyOf(vs, out + 1));
    }
}
