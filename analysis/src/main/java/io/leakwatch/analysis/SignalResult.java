package io.leakwatch.analysis;

/**
 * One rule's finding for one signal of one instance.
 *
 * @param signal                  the signal
 * @param seriesName              the analysed series' name
 * @param verdict                 leak / growing / ok / insufficient_data
 * @param slopePerHour            Theil–Sen slope of the floor in {@code unit} per hour (NaN when nothing
 *                                was fitted)
 * @param unit                    the unit of values and slope numerator
 * @param confidence              0–100, confidence in the verdict (see {@link LeakRule} for the mapping)
 * @param timeToExhaustionSeconds seconds until the fitted line reaches the limit, for leak/growing with a
 *                                limit and a positive slope; null otherwise
 * @param windowStartMs           first point of the input (epoch ms), or 0 if there was none
 * @param windowEndMs             last point of the input (epoch ms), or 0 if there was none
 * @param sinceMs                 start of the growth (a change point or the first point after warm-up),
 *                                or of the plateau for a plateau; null when not applicable
 * @param reason                  message key and parameters; render with {@link Wording}
 * @param evidence                points used and fitted line
 */
public record SignalResult(Signal signal, String seriesName, Verdict verdict, double slopePerHour, String unit,
                           int confidence, Long timeToExhaustionSeconds, long windowStartMs, long windowEndMs,
                           Long sinceMs, Reason reason, Evidence evidence) {

    /** The reason in English. */
    public String message() {
        return Wording.english(reason);
    }
}
