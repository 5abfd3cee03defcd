package io.leakwatch.alerting;

import java.util.Locale;

/** How urgent an alert is; the order is info &lt; warning &lt; critical. */
public enum Severity {
    INFO, WARNING, CRITICAL;

    /** The lower-case identifier used in rule files and the API. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an {@link #id()}; throws IllegalArgumentException naming the allowed values. */
    public static Severity fromId(String id) {
        for (Severity s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown severity '" + id + "', expected one of info, warning, critical");
    }
}
