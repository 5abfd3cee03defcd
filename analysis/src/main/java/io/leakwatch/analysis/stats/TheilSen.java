package io.leakwatch.analysis.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Theil–Sen estimator: the slope is the median of the pairwise slopes, the intercept the median of
 * {@code y − slope·x}. Robust to up to ~29% outliers, unlike least squares.
 *
 * <p>Promises: deterministic. When there are more than {@link #MAX_PAIRS} pairs, a fixed-seed sample
 * of that many pairs is used, so the cost stays bounded (O(MAX_PAIRS)) and the same input
 * always gives the same answer. The slope and its interval are exact order statistics of the pairwise slopes,
 * found by selection ({@link OrderStatistics}), not by sorting them: the same values a sort would give, in
 * O(pairs). The 95% confidence interval of the slope is Sen's rank-based
 * interval (the ranks of the ordered pairwise slopes around the median given by the Mann–Kendall
 * variance), scaled to the sample when pairs are sampled.
 */
public final class TheilSen {

    /** Upper bound on the pairwise slopes computed. */
    public static final int MAX_PAIRS = 50_000;
    private static final long SEED = 0x1EA4_5A7EL;
    private static final double Z_95 = 1.959963984540054;

    /**
     * A fitted line {@code y = intercept + slope·x}.
     *
     * @param slope     median pairwise slope (unit of y per unit of x)
     * @param intercept median of {@code y − slope·x}
     * @param slopeLow  lower bound of the 95% confidence interval of the slope
     * @param slopeHigh upper bound of the 95% confidence interval of the slope
     * @param pairsUsed number of pairwise slopes the estimate rests on
     */
    public record Fit(double slope, double intercept, double slopeLow, double slopeHigh, int pairsUsed) {

        /** The fitted value at {@code x}. */
        public double valueAt(double x) {
            return intercept + slope * x;
        }
    }

    private TheilSen() {
    }

    /**
     * Fits a line. Points with equal x contribute no slope.
     *
     * @throws IllegalArgumentException if the arrays differ in length or fewer than two distinct x exist
     */
    public static Fit fit(double[] x, double[] y) {
        return fit(x, y, MAX_PAIRS);
    }

    /**
     * Fits a line using at most {@code maxPairs} pairwise slopes (a fixed-seed sample beyond that).
     *
     * @throws IllegalArgumentException if the arrays differ in length or fewer than two distinct x exist
     */
    public static Fit fit(double[] x, double[] y, int maxPairs) {
        if (maxPairs < 1) {
            throw new IllegalArgumentException("maxPairs must be positive");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y differ in length");
        }
        int n = x.length;
        long totalPairs = (long) n * (n - 1) / 2;
        long[] slopes; // as OrderStatistics keys
        int count = 0;
        if (totalPairs <= maxPairs) {
            slopes = new long[(int) totalPairs];
            for (int i = 0; i < n - 1; i++) {
                for (int j = i + 1; j < n; j++) {
                    double dx = x[j] - x[i];
                    if (dx != 0) {
                        slopes[count++] = OrderStatistics.key((y[j] - y[i]) / dx);
                    }
                }
            }
        } else {
            slopes = new long[maxPairs];
            int attempts = 0;
            int[] draws = n <= 0xFFFF ? SampledPairs.draws(n, maxPairs) : null;
            if (draws != null) {
                while (count < maxPairs && attempts < draws.length) {
                    int d = draws[attempts++];
                    int i = d >>> 16;
                    int j = d & 0xFFFF;
                    double dx = x[j] - x[i];
                    if (dx != 0) {
                        slopes[count++] = OrderStatistics.key((y[j] - y[i]) / dx);
                    }
                }
            }
            if (count < maxPairs && attempts < 4L * maxPairs) {
                // no remembered draws, or not enough of them (many equal x): replay the whole sequence
                count = 0;
                attempts = 0;
                SplittableRandom random = new SplittableRandom(SEED);
                while (count < maxPairs && attempts < 4L * maxPairs) {
                    attempts++;
                    int i = random.nextInt(n);
                    int j = random.nextInt(n);
                    double dx = x[j] - x[i];
                    if (dx != 0) {
                        slopes[count++] = OrderStatistics.key((y[j] - y[i]) / dx);
                    }
                }
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("need at least two distinct x values");
        }
        // Sen (1968): C = z·sqrt(Var S); the interval is the slopes of rank (N−C)/2 and (N+C)/2 + 1.
        double varS = n * (n - 1) * (2.0 * n + 5) / 18.0;
        double c = Z_95 * Math.sqrt(varS) * ((double) count / Math.max(1, totalPairs));
        int lo = Math.max(0, Math.min(count - 1, (int) Math.floor((count - c) / 2.0)));
        int hi = Math.max(0, Math.min(count - 1, (int) Math.ceil((count + c) / 2.0)));
        int mid = count / 2;
        // Only four ranks of the sorted slopes are read: select them instead of sorting all of them (the sort
        // was most of the analysis' time on a 6 h window of 1-minute floors).
        double[] at = OrderStatistics.select(slopes, count, lo, Math.max(0, mid - 1), mid, hi);
        double slope = count % 2 == 1 ? at[2] : (at[1] + at[2]) / 2.0;
        double low = at[0];
        double high = at[3];
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
            residual[i] = y[i] - slope * x[i];
        }
        Arrays.sort(residual);
        double intercept = median(residual, n);

        return new Fit(slope, intercept, low, high, count);
    }

    /**
     * The fixed-seed pair sample's draws for a series of n points, remembered per (n, maxPairs): the draws depend
     * on nothing else, and drawing them cost as much as the rest of a fit. Each draw is {@code i << 16 | j}; a fit
     * skips those with equal x as before, and replays the generator when it runs out of remembered draws.
     */
    private static final class SampledPairs {
        /** Sample sizes remembered (about 200 KB each at the default cap); past it the memory starts over. */
        private static final int REMEMBERED = 16;
        private static final java.util.concurrent.ConcurrentHashMap<Long, int[]> DRAWS =
                new java.util.concurrent.ConcurrentHashMap<>();

        static int[] draws(int n, int maxPairs) {
            Long key = (long) n << 32 | maxPairs;
            int[] draws = DRAWS.get(key);
            if (draws == null) {
                // a few more than maxPairs: a draw with i == j (or equal x) yields no slope
                draws = new int[(int) Math.min(4L * maxPairs, maxPairs + maxPairs / 16L + 64)];
                SplittableRandom random = new SplittableRandom(SEED);
                for (int k = 0; k < draws.length; k++) {
                    int i = random.nextInt(n);
                    int j = random.nextInt(n);
                    draws[k] = i << 16 | j;
                }
                if (DRAWS.size() >= REMEMBERED) {
                    DRAWS.clear();
                }
                DRAWS.put(key, draws);
            }
            return draws;
        }
    }

    static double median(double[] sorted, int length) {
        int mid = length / 2;
        return length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
