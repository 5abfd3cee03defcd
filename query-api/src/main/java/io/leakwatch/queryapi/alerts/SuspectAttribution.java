package io.leakwatch.queryapi.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The class most likely behind an instance's heap growth, and where it is allocated, if JFR evidence says. */
public interface SuspectAttribution {

    /** The top suspect of one instance: the class whose old-object samples grew most, and its allocation site. */
    record Suspected(String className, String allocationSite) {
    }

    /** The suspect over the window ending at {@code now}, compared with the window before; empty without evidence. */
    Optional<Suspected> top(String instance, Instant now, Duration window);

    /** No JFR evidence at all (alerting without attribution). */
    SuspectAttribution NONE = (instance, now, window) -> Optional.empty();
}
