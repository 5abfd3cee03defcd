package io.leakwatch.demo;

import java.util.Locale;

/** Ground truth for a scenario: whether a detector should call it a leak. */
public enum Label {
    LEAK,
    HEALTHY;

    /** The name used in the manifest: {@code leak} or {@code healthy}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
