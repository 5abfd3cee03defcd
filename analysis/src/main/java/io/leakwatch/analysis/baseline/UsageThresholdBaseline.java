package io.leakwatch.analysis.baseline;

import io.leakwatch.analysis.Series;
import java.time.Duration;
import java.util.Locale;

/**
 * A fixed {@code used/max > ratio} alert over the raw values: fires when the highest value within the last
 * {@code window} exceeds {@code ratio × limit}. Without a limit it never fires. Score: that peak as a share
 * of the limit.
 */
public record UsageThresholdBaseline(double ratio, Duration window) implements Baseline {

    /** {@code max_over_time(used[5m]) / max > 0.8}. */
    public static final UsageThresholdBaseline DEFAULT = new UsageThresholdBaseline(0.8, Duration.ofMinutes(5));

    @Override
    public String name() {
        return "used_over_80pct";
    }

    @Override
    public BaselineResult evaluate(Series s) {
        Double limit = s.effectiveLimit();
        if (s.size() == 0 || limit == null) {
            return new BaselineResult(name(), false, Double.NaN, "no data or no limit");
        }
        long end = s.timestampMs(s.size() - 1);
        double peak = Double.NEGATIVE_INFINITY;
        for (int i = s.size() - 1; i >= 0 && s.timestampMs(i) >= end - window.toMillis(); i--) {
            peak = Math.max(peak, s.value(i));
        }
        double share = peak / limit;
        return new BaselineResult(name(), share > ratio, share,
                String.format(Locale.ROOT, "peak %.1f%% of limit", 100 * share));
    }
}
