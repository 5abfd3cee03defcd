package io.leakwatch.alerting;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether an alert group is silenced at a given instant. An {@code instance} matcher must hold for
 * every instance of the group: a silence on one instance does not hide the other eleven.
 */
public final class SilenceMatcher {

    private SilenceMatcher() {
    }

    /** The first silence active at {@code now} that matches, if any. */
    public static Optional<Silence> find(Collection<Silence> silences, Map<String, String> labels,
                                         List<String> instances, Instant now) {
        for (Silence s : silences) {
            if (s.isActiveAt(now) && matches(s, labels, instances)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** True when every matcher of the silence holds for these labels and instances (ignores time). */
    public static boolean matches(Silence silence, Map<String, String> labels, List<String> instances) {
        for (LabelMatcher m : silence.matchers()) {
            if (m.label().equals("instance")) {
                if (instances.isEmpty() || !instances.stream().allMatch(m::matches)) {
                    return false;
                }
            } else if (!m.matches(labels.get(m.label()))) {
                return false;
            }
        }
        return true;
    }
}
