package io.leakwatch.store;

import java.util.Locale;

/**
 * The reduced per-instance series {@link SignalQueries#signals} returns, one per analysis input. The store
 * does not know the analysis module; these ids name what each series holds so the caller can map them.
 */
public enum ReducedSignal {
    /** Sum over heap pools of each pool's per-bucket minimum of {@code jvm.memory.used}: a sawtooth's low side. */
    HEAP_USED_FLOOR("bytes"),
    /** Per-bucket minimum of the old-generation pool's {@code jvm.memory.used_after_last_gc}. */
    HEAP_AFTER_GC("bytes"),
    /** Per-bucket minimum of the Metaspace pool's {@code jvm.memory.used}; limit: its {@code jvm.memory.limit}. */
    METASPACE("bytes"),
    /** Per-bucket minimum of {@code jvm.class.count}. */
    CLASSES("classes"),
    /** Sum over thread states of each state's last {@code jvm.thread.count} in the bucket. */
    THREADS("threads"),
    /** Sum over buffer pools (direct, mapped) of each pool's per-bucket minimum of {@code jvm.buffer.memory.used}. */
    DIRECT("bytes"),
    /** Last {@code process.memory.usage} (RSS) minus the sum of the pools' last {@code jvm.memory.committed}. */
    NATIVE("bytes"),
    /** Per-bucket minimum of {@code jvm.file_descriptor.count}; limit: {@code jvm.file_descriptor.limit}. */
    FDS("fds"),
    /** Increase of the cumulative {@code jvm.gc.duration} sum per second of wall time, 0–1. */
    GC_SHARE("ratio");

    private final String unit;

    ReducedSignal(String unit) {
        this.unit = unit;
    }

    /** Lower-case id, e.g. {@code heap_after_gc}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String unit() {
        return unit;
    }
}
