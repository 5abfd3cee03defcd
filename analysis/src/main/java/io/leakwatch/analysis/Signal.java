package io.leakwatch.analysis;

import java.time.Duration;
import java.util.Locale;

/**
 * The per-instance signals LeakWatch analyses, each with its unit and default thresholds.
 *
 * <p>Every signal is analysed on its floor: for the heap, the value after GC (or the lower envelope of
 * the sawtooth); for the others, the per-minute minimum the store's rollups provide.
 */
public enum Signal {
    /** Heap live set: old generation / heap used after GC. */
    HEAP("bytes", null),
    /** Metaspace used. */
    METASPACE("bytes", null),
    /** Loaded class count. */
    CLASSES("classes", null),
    /** Live thread count. */
    THREADS("threads", null),
    /** Direct and mapped buffer memory. */
    DIRECT("bytes", null),
    /** Native memory: RSS minus committed heap and non-heap. */
    NATIVE("bytes", null),
    /** Open file descriptors. */
    FDS("fds", null),
    /** Share of wall time spent in GC, 0–1; a rising share is a symptom of a filling heap. */
    GC("ratio", 1.0);

    private static final double MIB = 1024.0 * 1024.0;

    private final String unit;
    private final Double inherentLimit;

    Signal(String unit, Double inherentLimit) {
        this.unit = unit;
        this.inherentLimit = inherentLimit;
    }

    /** The lower-case identifier used in the API ({@code heap}, {@code fds}, …). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The unit of the values and of the slope's numerator ({@code bytes}, {@code threads}, …). */
    public String unit() {
        return unit;
    }

    /** A limit the signal has by nature (1.0 for the GC share), or null; a series' own limit wins. */
    public Double inherentLimit() {
        return inherentLimit;
    }

    /** Parses an {@link #id()}; throws IllegalArgumentException for an unknown id. */
    public static Signal fromId(String id) {
        for (Signal s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown signal: " + id);
    }

    /**
     * The default thresholds for this signal. Slope floors are in this signal's unit per hour; the heap
     * alone requires old-gen-reclaiming collections as evidence before saying {@code leak}.
     */
    public LeakThresholds defaultThresholds() {
        LeakThresholds base = LeakThresholds.DEFAULTS;
        return switch (this) {
            // Post-GC floors are enveloped (a collection during a held report reads high) and the old pool's
            // 0 before its first collection is no reading; 5-minute buckets leave 8 points in 40 minutes.
            case HEAP -> base.withMinSlopePerHour(0.25 * MIB).withRequireReclaimEvidence(true)
                    .withZeroIsMissing(true).withFloorEnvelopeBucket(Duration.ofMinutes(5))
                    .withMinPoints(8).withMinWindow(Duration.ofMinutes(40));
            case METASPACE -> base.withMinSlopePerHour(64 * 1024.0);
            case CLASSES -> base.withMinSlopePerHour(10);
            case THREADS -> base.withMinSlopePerHour(1);
            case DIRECT -> base.withMinSlopePerHour(0.25 * MIB);
            // RSS beyond heap and non-heap drifts by a few MiB/h in a warming JVM (JIT code, malloc arenas,
            // GC structures), so less than 4 MiB/h (about 100 MiB a day) is not reported.
            case NATIVE -> base.withMinSlopePerHour(4 * MIB).withMinRelativeSlopePerHour(0.001);
            case FDS -> base.withMinSlopePerHour(1);
            case GC -> base.withMinSlopePerHour(0.002).withMinRelativeSlopePerHour(0);
        };
    }
}
