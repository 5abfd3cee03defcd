package io.leakwatch.analysis.fleet;

import io.leakwatch.analysis.Reason;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Wording;

/**
 * A growth shared by most instances of one service version, reported once at service level.
 *
 * @param service                  service name
 * @param version                  the version whose instances grow
 * @param previousVersion          the version before it, or null when there is none
 * @param signal                   the growing signal
 * @param growingInstances         instances of {@code version} with leak or growing
 * @param instances                judged instances of {@code version}
 * @param previousGrowingInstances instances of the previous version with leak or growing (0 if none)
 * @param previousInstances        judged instances of the previous version (0 if none)
 * @param sinceMs                  when the growth began: the median {@code since} of the growing instances
 * @param medianSlopePerHour       median slope of the growing instances
 * @param unit                     the slope's unit
 * @param confidence               median confidence of the growing instances, 0–100
 * @param reason                   message key and parameters; render with {@link Wording}
 */
public record ServiceFinding(String service, String version, String previousVersion, Signal signal,
                             int growingInstances, int instances, int previousGrowingInstances,
                             int previousInstances, Long sinceMs, double medianSlopePerHour, String unit,
                             int confidence, Reason reason) {

    /** The reason in English. */
    public String message() {
        return Wording.english(reason);
    }
}
