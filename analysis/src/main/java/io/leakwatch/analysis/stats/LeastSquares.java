package io.leakwatch.analysis.stats;

/**
 * Ordinary least-squares line fit, used by the baselines (which the rules must beat) and as a
 * goodness-of-fit reference.
 *
 * <p>Promises: a pure function; with fewer than two distinct x the slope is 0 and the intercept the
 * mean.
 */
public final class LeastSquares {

    /**
     * A fitted line {@code y = intercept + slope·x} with its coefficient of determination.
     *
     * @param slope     slope (unit of y per unit of x)
     * @param intercept value at x = 0
     * @param rSquared  share of the variance of y explained by the line, in [0, 1]
     */
    public record Fit(double slope, double intercept, double rSquared) {

        /** The fitted value at {@code x}. */
        public double valueAt(double x) {
            return intercept + slope * x;
        }
    }

    private LeastSquares() {
    }

    /** Fits y against x over all points. */
    public static Fit fit(double[] x, double[] y) {
        return fit(x, y, 0, x.length);
    }

    /** Fits y against x over the index range [from, to). */
    public static Fit fit(double[] x, double[] y, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return new Fit(0, 0, 0);
        }
        double mx = 0;
        double my = 0;
        for (int i = from; i < to; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = from; i < to; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0) {
            return new Fit(0, my, 0);
        }
        double slope = sxy / sxx;
        double r2 = syy == 0 ? 1.0 : (sxy * sxy) / (sxx * syy);
        return new Fit(slope, my - slope * mx, r2);
    }
}
