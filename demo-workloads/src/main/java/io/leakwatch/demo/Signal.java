package io.leakwatch.demo;

import java.util.Locale;

/**
 * The per-instance signal a scenario moves, as LeakWatch's analysis names them, with the unit its
 * {@code rate} argument is given in. Byte signals take KiB per second; count signals take counts per second.
 */
public enum Signal {
    HEAP("KiB/s"),
    METASPACE("KiB/s"),
    CLASSES("classes/s"),
    THREADS("threads/s"),
    DIRECT("KiB/s"),
    NATIVE("KiB/s"),
    FDS("fds/s");

    private final String rateUnit;

    Signal(String rateUnit) {
        this.rateUnit = rateUnit;
    }

    /** The unit of {@code rate} for scenarios that move this signal. */
    public String rateUnit() {
        return rateUnit;
    }

    /** The name used in the manifest and on the command line, e.g. {@code heap}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
