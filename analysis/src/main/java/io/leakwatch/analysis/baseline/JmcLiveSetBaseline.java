package io.leakwatch.analysis.baseline;

import io.leakwatch.analysis.Series;
import io.leakwatch.analysis.stats.LeastSquares;
import java.util.Locale;

/**
 * The method of JDK Mission Control's {@code IncreasingLiveSetRule}, re-implemented: a least-squares slope of
 * heap used after GC, after a warm-up, normalised by the heap size; fires when the relative increase per
 * hour reaches {@code relativeSlopePerHour}. JMC ends warm-up when 90% of the classes are loaded; with no
 * class data here the first {@code warmupFraction} of the window stands in for it. Score: the relative
 * slope per hour. Expects a post-GC series with the heap max as limit.
 */
public record JmcLiveSetBaseline(double warmupFraction, double relativeSlopePerHour) implements Baseline {

    /** 10% warm-up; fires at 0.5% of the heap per hour. */
    public static final JmcLiveSetBaseline DEFAULT = new JmcLiveSetBaseline(0.10, 0.005);

    @Override
    public String name() {
        return "jmc_live_set";
    }

    @Override
    public BaselineResult evaluate(Series s) {
        Double limit = s.effectiveLimit();
        if (s.size() < 3 || limit == null) {
            return new BaselineResult(name(), false, Double.NaN, "no data or no limit");
        }
        long start = s.timestampMs(0);
        long cut = start + (long) (warmupFraction * (s.timestampMs(s.size() - 1) - start));
        int from = 0;
        while (from < s.size() && s.timestampMs(from) < cut) {
            from++;
        }
        int n = s.size() - from;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (s.timestampMs(from + i) - start) / 3_600_000.0;
            y[i] = s.value(from + i);
        }
        double relative = LeastSquares.fit(x, y).slope() / limit;
        return new BaselineResult(name(), relative >= relativeSlopePerHour, relative,
                String.format(Locale.ROOT, "live set +%.3f%% of heap per hour", 100 * relative));
    }
}
