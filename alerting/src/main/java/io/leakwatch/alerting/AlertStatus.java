package io.leakwatch.alerting;

import java.util.Locale;

/** The life cycle of an alert group: pending → firing → resolved. */
public enum AlertStatus {
    /** The condition holds but not yet for the rule's {@code for} duration; nothing is sent. */
    PENDING,
    /** The condition held for {@code for}; notified (unless silenced) and repeated at the repeat interval. */
    FIRING,
    /** The condition stayed clear for the resolve delay; the resolved notification was sent if a firing one was. */
    RESOLVED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
