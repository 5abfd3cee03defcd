package io.leakwatch.analysis;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * User-facing English wording of {@link Reason}s, kept apart from the rules' logic. Templates name
 * parameters in braces; numbers are printed with three significant digits and epoch-ms parameters whose
 * name ends in {@code Ms} as ISO-8601 instants.
 *
 * <p>Promises: never throws for a known key; an unknown key is returned as is with its parameters.
 */
public final class Wording {

    private static final Map<String, String> ENGLISH = Map.ofEntries(
            Map.entry(Reason.NO_DATA, "No data in the window."),
            Map.entry(Reason.TOO_FEW_POINTS, "Only {points} points after warm-up; at least {needed} are needed."),
            Map.entry(Reason.WINDOW_TOO_SHORT, "Only {hours} h of data after warm-up; at least {neededHours} h are needed."),
            Map.entry(Reason.RECENT_CHANGE, "A change at {changeMs} left too little data after it to judge."),
            Map.entry(Reason.NO_TREND, "No significant upward trend (p = {p})."),
            Map.entry(Reason.SLOPE_BELOW_THRESHOLD, "Rising by {slopePerHour} {unit}/h, below the {thresholdPerHour} {unit}/h that matters."),
            Map.entry(Reason.PLATEAU, "Grew, then levelled off at about {level} {unit} since {sinceMs} (plateau: cache full, pool at max or warm-up)."),
            Map.entry(Reason.RELEASED, "Rose by up to {rise} {unit} but gave back {drop} {unit}: memory is released (batch work or load)."),
            Map.entry(Reason.STEP_AT_CHANGE, "A step at the change at {changeMs}, flat since."),
            Map.entry(Reason.GROWING_UNCONFIRMED, "The floor grows by {slopePerHour} {unit}/h since {sinceMs}, but no collection that reclaims the old generation ran in that period ({seen} seen, {needed} needed); a mixed or full GC, or the end of a concurrent cycle, would confirm it."),
            Map.entry(Reason.GROWING_WEAK, "The floor grows by {slopePerHour} {unit}/h since {sinceMs}, with only {confidence}% confidence so far."),
            Map.entry(Reason.LEAK, "The floor grows by {slopePerHour} {unit}/h since {sinceMs} and does not come back down after collections."),
            Map.entry(Reason.METASPACE_WITHOUT_CLASSES, "Metaspace grows by {slopePerHour} {unit}/h since {sinceMs} while the loaded class count is flat: method profiling data and class metadata of a warming JVM, not a class-loader leak."),
            Map.entry(Reason.LEAK_SINCE_CHANGE, "The floor grows by {slopePerHour} {unit}/h since the change at {sinceMs}; it was flat before."),
            Map.entry(Reason.VERSION_GROWTH, "{growing} of {instances} instances of version {version} grow since about {sinceMs}; {previousGrowing} of {previousInstances} of the previous version {previousVersion} did."),
            Map.entry(Reason.FLEET_GROWTH, "{growing} of {instances} instances of version {version} grow since about {sinceMs}; there is no earlier version to compare with."));

    private Wording() {
    }

    /** The English sentence for a reason. */
    public static String english(Reason reason) {
        String template = ENGLISH.get(reason.key());
        if (template == null) {
            return reason.key() + " " + reason.params();
        }
        StringBuilder out = new StringBuilder(template);
        for (Map.Entry<String, Object> e : reason.params().entrySet()) {
            String token = "{" + e.getKey() + "}";
            int at;
            while ((at = out.indexOf(token)) >= 0) {
                out.replace(at, at + token.length(), render(e.getKey(), e.getValue()));
            }
        }
        return out.toString();
    }

    private static String render(String name, Object value) {
        if (value instanceof Long ms && name.endsWith("Ms")) {
            return Instant.ofEpochMilli(ms).toString();
        }
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.3g", d);
        }
        return String.valueOf(value);
    }
}
