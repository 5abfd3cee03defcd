package io.leakwatch.analysis.stats;

import java.util.Arrays;

/**
 * The Mann–Kendall test for a monotonic trend in a time-ordered sample, with the variance corrected
 * for ties and the normal approximation (with continuity correction) for the p-value.
 *
 * <p>Promises: a pure function of the values in time order; O(n log n): S is computed by counting strict
 * inversions with a merge sort (Knight's method), and the tie pairs from the sorted values. For n &lt; 3
 * the result has {@code p = 1}.
 */
public final class MannKendall {

    /**
     * The test's outcome.
     *
     * @param s         the Mann–Kendall statistic S (number of increasing minus decreasing pairs)
     * @param varianceS Var(S) under the null hypothesis, corrected for ties
     * @param z         the standardised statistic with continuity correction
     * @param pTwoSided two-sided p-value (any trend)
     * @param pIncreasing one-sided p-value for an increasing trend
     * @param tau       Kendall's tau-a, S / (n(n−1)/2), in [−1, 1]
     */
    public record Result(long s, double varianceS, double z, double pTwoSided, double pIncreasing, double tau) {
    }

    private MannKendall() {
    }

    /** Tests the values, taken to be in time order. */
    public static Result test(double[] values) {
        int n = values.length;
        if (n < 3) {
            return new Result(0, 0, 0, 1.0, 1.0, 0);
        }
        double[] sorted = values.clone();
        long decreasing = countStrictInversions(sorted, new double[n], 0, n);
        long tiedPairs = 0;
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && sorted[j] == sorted[i]) {
                j++;
            }
            long t = j - i;
            tiedPairs += t * (t - 1) / 2;
            i = j;
        }
        long totalPairs = (long) n * (n - 1) / 2;
        long increasing = totalPairs - tiedPairs - decreasing;
        long s = increasing - decreasing;
        double variance = (double) n * (n - 1) * (2.0 * n + 5) - tieTerm(values);
        variance /= 18.0;
        double z;
        if (variance <= 0) {
            z = 0;
        } else if (s > 0) {
            z = (s - 1) / Math.sqrt(variance);
        } else if (s < 0) {
            z = (s + 1) / Math.sqrt(variance);
        } else {
            z = 0;
        }
        double pairs = n * (n - 1) / 2.0;
        return new Result(s, variance, z, NormalDistribution.twoSidedP(z), NormalDistribution.upperTailP(z),
                s / pairs);
    }

    /**
     * Sorts a[from, to) ascending and returns the number of pairs i &lt; j with a[i] &gt; a[j] (equal values
     * are not counted: the merge takes from the left run on ties).
     */
    private static long countStrictInversions(double[] a, double[] buffer, int from, int to) {
        if (to - from < 2) {
            return 0;
        }
        int mid = (from + to) >>> 1;
        long count = countStrictInversions(a, buffer, from, mid) + countStrictInversions(a, buffer, mid, to);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            if (a[j] < a[i]) {
                count += mid - i;
                buffer[k++] = a[j++];
            } else {
                buffer[k++] = a[i++];
            }
        }
        while (i < mid) {
            buffer[k++] = a[i++];
        }
        while (j < to) {
            buffer[k++] = a[j++];
        }
        System.arraycopy(buffer, from, a, from, to - from);
        return count;
    }

    /** Σ t(t−1)(2t+5) over groups of tied values. */
    private static double tieTerm(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double term = 0;
        int i = 0;
        while (i < sorted.length) {
            int j = i + 1;
            while (j < sorted.length && sorted[j] == sorted[i]) {
                j++;
            }
            long t = j - i;
            if (t > 1) {
                term += (double) t * (t - 1) * (2 * t + 5);
            }
            i = j;
        }
        return term;
    }
}
