package io.leakwatch.analysis;

/**
 * What a verdict rests on: the points the rule used (after envelope, warm-up exclusion and reduction),
 * the fitted line, the slope's 95% interval and the trend test.
 *
 * @param timestampsMs      the points used, epoch ms (a copy the caller may keep)
 * @param values            the points used, in the signal's unit
 * @param fit               the fitted line over the growth period, or null when nothing was fitted
 * @param slopeLowPerHour   lower bound of the slope's 95% interval, or NaN
 * @param slopeHighPerHour  upper bound of the slope's 95% interval, or NaN
 * @param pValue            one-sided Mann–Kendall p-value for an increase, or NaN
 * @param kendallTau        Kendall's tau of the growth period, or NaN
 * @param reclaimingCollections old-gen-reclaiming collections seen in the growth period
 */
public record Evidence(long[] timestampsMs, double[] values, FittedLine fit, double slopeLowPerHour,
                       double slopeHighPerHour, double pValue, double kendallTau, int reclaimingCollections) {

    /** Evidence with no points and no fit. */
    public static final Evidence NONE = new Evidence(new long[0], new double[0], null, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, 0);
}
