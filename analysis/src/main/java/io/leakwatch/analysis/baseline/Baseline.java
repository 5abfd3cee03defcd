package io.leakwatch.analysis.baseline;

import io.leakwatch.analysis.Series;

/**
 * A simple detection method LeakWatch is measured against on the same inputs. Stateless.
 *
 * <p>Each baseline documents which series it expects: raw heap used (sawtooth) for the alert-style
 * baselines, heap after GC for JMC's method.
 */
public interface Baseline {

    /** Short identifier for tables ({@code predict_linear}, {@code used_over_80pct}, {@code jmc_live_set}). */
    String name();

    /** Whether the baseline would raise a leak alert at the end of the series. */
    BaselineResult evaluate(Series series);
}
