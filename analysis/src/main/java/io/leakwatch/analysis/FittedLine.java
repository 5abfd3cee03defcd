package io.leakwatch.analysis;

/**
 * The line a rule fitted, as two endpoints plus slope and intercept, ready to draw over the points.
 *
 * @param startMs       time of the first endpoint (the first point fitted)
 * @param startValue    fitted value at {@code startMs}
 * @param endMs         time of the second endpoint (the last point fitted)
 * @param endValue      fitted value at {@code endMs}
 * @param slopePerHour  slope in the signal's unit per hour
 * @param interceptAtStart the intercept, expressed as the value at {@code startMs} (epoch-0 intercepts
 *                      are meaningless and lose precision)
 */
public record FittedLine(long startMs, double startValue, long endMs, double endValue, double slopePerHour,
                         double interceptAtStart) {

    /** The fitted value at a time. */
    public double valueAt(long timeMs) {
        return interceptAtStart + slopePerHour * (timeMs - startMs) / 3_600_000.0;
    }
}
