package io.leakwatch.analysis.stats;

/**
 * The standard normal distribution's CDF and two-sided tail probability, accurate to about 1.2e-7
 * relative error.
 *
 * <p>Why not a library: the analysis core is meant to be embedded anywhere without dependencies, and
 * its only use of the normal distribution is turning a Mann–Kendall Z into a p-value that is compared
 * with thresholds like 0.01; seven significant digits are far more than that needs. The implementation
 * is the Chebyshev fit of erfc from Numerical Recipes ("erfcc"), checked against tabulated values in
 * the unit test.
 */
public final class NormalDistribution {

    private NormalDistribution() {
    }

    /** Complementary error function, erfc(x) = 1 − erf(x). */
    public static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }

    /** P(Z ≤ z) for a standard normal Z. */
    public static double cdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2.0));
    }

    /** P(|Z| ≥ |z|) for a standard normal Z: the two-sided p-value of a Z score. */
    public static double twoSidedP(double z) {
        return Math.min(1.0, erfc(Math.abs(z) / Math.sqrt(2.0)));
    }

    /** P(Z ≥ z): the one-sided (upper) p-value of a Z score. */
    public static double upperTailP(double z) {
        return 0.5 * erfc(z / Math.sqrt(2.0));
    }
}
