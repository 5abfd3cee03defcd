package io.leakwatch.analysis.stats;

import java.util.Arrays;

/**
 * A few order statistics of a sample without sorting it: the k-th smallest values for a handful of ranks k,
 * by three-way quickselect over the values' sort keys.
 *
 * <p>Promises: the value at each rank is exactly the one {@link Arrays#sort(double[])} would put there, in the
 * same total order ({@code -0.0} before {@code 0.0}, NaN last), because the selection runs on
 * {@link #key(double) keys} whose signed order is that order. Expected O(n) per distinct rank; a run of
 * unlucky pivots falls back to sorting the remaining range, so never worse than O(n log n). Many equal
 * values (a flat series' zero slopes) cost one pass.
 */
final class OrderStatistics {

    /** Ranges this short are sorted: cheaper than partitioning them further. */
    private static final int SORT_BELOW = 32;
    /** Samples from this many keys bracket the ranks first (see {@link #bracketed}). */
    private static final int BRACKET_FROM = 8_192;
    /** Keys in the bracketing sample, and the sample ranks added on each side (about 3 standard deviations). */
    private static final int SAMPLE = 1_024;
    private static final int SAMPLE_MARGIN = 48;

    private OrderStatistics() {
    }

    /** The sort key of a value: its bits, with the magnitude bits of negatives flipped so signed order is value order. */
    static long key(double value) {
        long bits = Double.doubleToLongBits(value);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    /** The value of a {@link #key}. */
    static double value(long key) {
        return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
    }

    /**
     * The values of ranks {@code ranks} (0-based, each in [0, count)) among {@code keys[0, count)}, in the order
     * asked. Reorders {@code keys[0, count)}.
     */
    static double[] select(long[] keys, int count, int... ranks) {
        int[] sorted = ranks.clone();
        Arrays.sort(sorted);
        for (int r : sorted) {
            if (r < 0 || r >= count) {
                throw new IllegalArgumentException("rank " + r + " outside [0, " + count + ")");
            }
        }
        double[] out = new double[ranks.length];
        if (count >= BRACKET_FROM && bracketed(keys, count, ranks, sorted, out)) {
            return out;
        }
        selectAll(keys, 0, count, sorted, 0, sorted.length, budget(count));
        for (int i = 0; i < ranks.length; i++) {
            out[i] = value(keys[ranks[i]]);
        }
        return out;
    }

    private static int budget(int count) {
        return 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, count))) + 8;
    }

    /**
     * The ranks asked for usually lie close together (a median and its confidence bounds): a sorted sample of the
     * keys gives two bounds that very likely enclose them all, one pass counts the keys below the lower bound and
     * equal to either bound and copies those strictly between, and the selection runs on the copy only (a flat
     * series' slopes, nearly all equal, are only counted). Writes {@code out} and returns true when the bounds did
     * enclose the ranks, else returns false having changed nothing (the caller selects on all keys). The sample
     * only decides the cost, never the answer.
     */
    private static boolean bracketed(long[] a, int count, int[] ranks, int[] sorted, double[] out) {
        int first = sorted[0];
        int last = sorted[sorted.length - 1];
        long[] sample = new long[SAMPLE];
        for (int k = 0; k < SAMPLE; k++) {
            sample[k] = a[(int) ((long) k * count / SAMPLE)];
        }
        Arrays.sort(sample);
        double scale = (double) SAMPLE / count;
        int from = (int) Math.floor(first * scale) - SAMPLE_MARGIN;
        int to = (int) Math.ceil(last * scale) + SAMPLE_MARGIN;
        // an open side takes every key: the rank bookkeeping below holds for any low <= high
        long low = from < 0 ? Long.MIN_VALUE : sample[from];
        long high = to >= SAMPLE ? Long.MAX_VALUE : sample[to];
        long[] between = new long[(int) Math.min(count, (long) ((to - from + 1) / scale * 2) + 64)];
        int below = 0;
        int atLow = 0;
        int m = 0;
        int atHigh = 0;
        int cap = between.length - 1;
        for (int i = 0; i < count; i++) {
            long v = a[i];
            // without branches: which side a key falls on is a coin toss the CPU cannot predict (measured: a
            // third less time than branching); every key is written, only those strictly between are kept
            below += v < low ? 1 : 0;
            atLow += v == low ? 1 : 0;
            atHigh += v == high ? 1 : 0;
            between[m] = v;
            m += (v > low) & (v < high) ? 1 : 0;
            if (m == cap) {
                return false;
            }
        }
        if (low == high) {
            atHigh = 0; // counted in atLow already
        }
        // sorted order: [below] [atLow × low] [between] [atHigh × high] [above]
        if (below > first || (long) below + atLow + m + atHigh <= last) {
            return false;
        }
        int[] inside = new int[sorted.length];
        int k = 0;
        for (int r : sorted) {
            int q = r - below - atLow;
            if (q >= 0 && q < m) {
                inside[k++] = q;
            }
        }
        if (k > 0) {
            selectAll(between, 0, m, inside, 0, k, budget(m));
        }
        for (int i = 0; i < ranks.length; i++) {
            int q = ranks[i] - below;
            long key;
            if (q < atLow) {
                key = low;
            } else if (q - atLow < m) {
                key = between[q - atLow];
            } else {
                key = high;
            }
            out[i] = value(key);
        }
        return true;
    }

    /**
     * Puts the keys of ranks {@code ranks[rFrom, rTo)} (ascending, all in [from, to)) at their sorted places,
     * given that [from, to) already holds exactly the keys of those places.
     */
    private static void selectAll(long[] a, int from, int to, int[] ranks, int rFrom, int rTo, int budget) {
        while (rFrom < rTo) {
            if (to - from <= SORT_BELOW || budget-- <= 0) {
                Arrays.sort(a, from, to);
                return;
            }
            long pivot = medianOfThree(a[from], a[(from + to) >>> 1], a[to - 1]);
            // Dijkstra's three-way partition: [from, lt) < pivot, [lt, gt) == pivot, [gt, to) > pivot
            int lt = from;
            int i = from;
            int gt = to;
            while (i < gt) {
                long v = a[i];
                if (v < pivot) {
                    a[i++] = a[lt];
                    a[lt++] = v;
                } else if (v > pivot) {
                    a[i] = a[--gt];
                    a[gt] = v;
                } else {
                    i++;
                }
            }
            int left = rFrom;
            while (left < rTo && ranks[left] < lt) {
                left++;
            }
            int right = left;
            while (right < rTo && ranks[right] < gt) {
                right++; // ranks inside the pivot's run are in place
            }
            if (left > rFrom) {
                selectAll(a, from, lt, ranks, rFrom, left, budget);
            }
            from = gt;
            rFrom = right;
        }
    }

    private static long medianOfThree(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
