package io.leakwatch.analysis.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Theil–Sen estimator: the slope is the median of the pairwise slopes, the intercept the median of
 * {@code y − slope·x}. Robust to up to ~29% outliers, unlike least squares.
 *
 * <p>Promises: deterministic. When there are more than {@link #MAX_PAIRS} pairs, a fixed-seed sample
 * of that many pairs is used, so the cost stays bounded (O(MAX_PAIRS log MAX_PAIRS)) and the same input
 * always gives the same answer. The 95% confidence interval of the slope is Sen's rank-based
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
        double[] slopes;
        int count = 0;
        if (totalPairs <= maxPairs) {
            slopes = new double[(int) totalPairs];
            for (int i = 0; i < n - 1; i++) {
                for (int j = i + 1; j < n; j++) {
                    double dx = x[j] - x[i];
                    if (dx != 0) {
                        slopes[count++] = (y[j] - y[i]) / dx;
                    }
                }
            }
        } else {
            slopes = new double[maxPairs];
            SplittableRandom random = new SplittableRandom(SEED);
            int attempts = 0;
            while (count < maxPairs && attempts < 4L * maxPairs) {
                attempts++;
                int i = random.nextInt(n);
                int j = random.nextInt(n);
                double dx = x[j] - x[i];
                if (dx != 0) {
                    slopes[count++] = (y[j] - y[i]) / dx;
                }
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("need at least two distinct x values");
        }
        Arrays.sort(slopes, 0, count);
        double slope = median(slopes, count);
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
            residual[i] = y[i] - slope * x[i];
        }
        Arrays.sort(residual);
        double intercept = median(residual, n);

        // Sen (1968): C = z·sqrt(Var S); the interval is the slopes of rank (N−C)/2 and (N+C)/2 + 1.
        double varS = n * (n - 1) * (2.0 * n + 5) / 18.0;
        double c = Z_95 * Math.sqrt(varS) * ((double) count / Math.max(1, totalPairs));
        int lo = (int) Math.floor((count - c) / 2.0);
        int hi = (int) Math.ceil((count + c) / 2.0);
        double low = slopes[Math.max(0, Math.min(count - 1, lo))];
        double high = slopes[Math.max(0, Math.min(count - 1, hi))];
        return new Fit(slope, intercept, low, high, count);
    }

    static double median(double[] sorted, int length) {
        int mid = length / 2;
        return length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
