package io.leakwatch.analysis.baseline;

import io.leakwatch.analysis.Series;
import io.leakwatch.analysis.stats.LeastSquares;
import java.time.Duration;
import java.util.Locale;

/**
 * Prometheus {@code predict_linear} style: least squares over the raw values of the last {@code lookback},
 * extrapolated {@code horizon} ahead; fires when the prediction reaches the limit. Without a limit it never
 * fires. Score: the predicted value as a share of the limit.
 */
public record PredictLinearBaseline(Duration lookback, Duration horizon) implements Baseline {

    /** {@code predict_linear(used[1h], 4h) > max}. */
    public static final PredictLinearBaseline DEFAULT = new PredictLinearBaseline(Duration.ofHours(1), Duration.ofHours(4));

    @Override
    public String name() {
        return "predict_linear";
    }

    @Override
    public BaselineResult evaluate(Series s) {
        Double limit = s.effectiveLimit();
        if (s.size() < 2 || limit == null) {
            return new BaselineResult(name(), false, Double.NaN, "no data or no limit");
        }
        long end = s.timestampMs(s.size() - 1);
        int from = 0;
        while (from < s.size() && s.timestampMs(from) < end - lookback.toMillis()) {
            from++;
        }
        int n = s.size() - from;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (s.timestampMs(from + i) - end) / 1000.0;
            y[i] = s.value(from + i);
        }
        LeastSquares.Fit fit = LeastSquares.fit(x, y);
        double predicted = fit.valueAt(horizon.toSeconds());
        double share = predicted / limit;
        return new BaselineResult(name(), predicted >= limit, share,
                String.format(Locale.ROOT, "predicted %.1f%% of limit in %s", 100 * share, horizon));
    }
}
