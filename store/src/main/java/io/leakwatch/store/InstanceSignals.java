package io.leakwatch.store;

import java.util.List;
import java.util.Map;

/**
 * Everything the leak analysis needs about one instance over a window, reduced by the store.
 *
 * @param instance                instance id
 * @param service                 service (latest seen)
 * @param version                 version (latest seen)
 * @param firstSeenMs             when the instance was first seen at all (a proxy for its process start)
 * @param lastSeenMs              when it was last seen
 * @param series                  reduced series by signal; a signal without data in the window is absent
 * @param heapMaxBytes            sum of the heap pools' {@code jvm.memory.limit} (pools reporting -1 are
 *                                absent), last bucket, or null
 * @param reclaimingCollectionsMs bucket times in which a collection reclaimed the old generation: the old
 *                                pool's used-after-GC value changed, or an "end of major GC" was counted
 * @param versionChangesMs        first bucket of each version of the instance in the window after its first
 * @param environment             deployment environment (latest seen; empty when the instance reports none)
 */
public record InstanceSignals(String instance, String service, String version, long firstSeenMs, long lastSeenMs,
                              Map<ReducedSignal, ReducedSeries> series, Double heapMaxBytes,
                              List<Long> reclaimingCollectionsMs, List<Long> versionChangesMs, String environment) {
    public InstanceSignals {
        series = Map.copyOf(series);
        reclaimingCollectionsMs = List.copyOf(reclaimingCollectionsMs);
        versionChangesMs = List.copyOf(versionChangesMs);
        environment = environment == null ? "" : environment;
    }

    /** Without an environment (empty). */
    public InstanceSignals(String instance, String service, String version, long firstSeenMs, long lastSeenMs,
                           Map<ReducedSignal, ReducedSeries> series, Double heapMaxBytes,
                           List<Long> reclaimingCollectionsMs, List<Long> versionChangesMs) {
        this(instance, service, version, firstSeenMs, lastSeenMs, series, heapMaxBytes, reclaimingCollectionsMs,
                versionChangesMs, "");
    }
}
