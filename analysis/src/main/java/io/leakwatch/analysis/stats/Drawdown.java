package io.leakwatch.analysis.stats;

/**
 * The largest fall of a series from an earlier high: {@code max over i<j of (y[i] − y[j])}.
 *
 * <p>A leak's floor never gives back what it gained, beyond noise; a batch job that accumulates and then
 * releases, or load that rises and falls, does. Promises: O(n), a pure function; 0 for a non-decreasing
 * series.
 */
public final class Drawdown {

    private Drawdown() {
    }

    /** The largest drop from a running maximum over [from, to). */
    public static double max(double[] y, int from, int to) {
        double high = Double.NEGATIVE_INFINITY;
        double worst = 0;
        for (int i = from; i < to; i++) {
            high = Math.max(high, y[i]);
            worst = Math.max(worst, high - y[i]);
        }
        return worst;
    }
}
