package io.leakwatch.analysis;

import java.util.Locale;

/** What a rule concluded about one signal of one instance. */
public enum Verdict {
    /** Sustained growth of the floor, significant, material, not a plateau or release, and confirmed. */
    LEAK,
    /** Significant growth that the data cannot yet confirm as a leak (e.g. no old-gen-reclaiming GC seen). */
    GROWING,
    /** No growth that matters: flat, a plateau, a release, or a step at a change. */
    OK,
    /** Too few points or too short a window to say anything. */
    INSUFFICIENT_DATA;

    /** The lower-case identifier used in the API ({@code leak}, {@code growing}, …). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True for {@link #LEAK} and {@link #GROWING}: the verdicts a fleet ranking lists. */
    public boolean isGrowth() {
        return this == LEAK || this == GROWING;
    }
}
