package io.leakwatch.analysis;

import java.util.List;

/**
 * What is known about an instance besides its series: when collections that reclaim the old generation
 * ran (mixed/full GC, end of a concurrent cycle — from JFR GC events or collector MXBeans), when the
 * process started, and when a deploy or version change happened.
 *
 * <p>Promises: immutable; lists are sorted copies, capped at {@link #MAX_EVENTS} each.
 *
 * @param reclaimingCollectionsMs timestamps of old-gen-reclaiming collections (epoch ms)
 * @param changesMs               deploy / version change times (epoch ms)
 * @param processStartMs          process start (epoch ms), or null when unknown
 */
public record AnalysisContext(List<Long> reclaimingCollectionsMs, List<Long> changesMs, Long processStartMs) {

    /** Input size limit per list. */
    public static final int MAX_EVENTS = 100_000;

    /** No GC evidence, no changes, unknown start. */
    public static final AnalysisContext EMPTY = new AnalysisContext(List.of(), List.of(), null);

    public AnalysisContext {
        reclaimingCollectionsMs = sortedCopy(reclaimingCollectionsMs, "reclaimingCollectionsMs");
        changesMs = sortedCopy(changesMs, "changesMs");
    }

    private static List<Long> sortedCopy(List<Long> in, String what) {
        if (in == null) {
            return List.of();
        }
        if (in.size() > MAX_EVENTS) {
            throw new IllegalArgumentException(what + " longer than " + MAX_EVENTS);
        }
        return in.stream().sorted().toList();
    }

    /** This context with old-gen-reclaiming collection times. */
    public AnalysisContext withReclaimingCollections(List<Long> times) {
        return new AnalysisContext(times, changesMs, processStartMs);
    }

    /** This context with deploy / version change times. */
    public AnalysisContext withChanges(List<Long> times) {
        return new AnalysisContext(reclaimingCollectionsMs, times, processStartMs);
    }

    /** This context with the process start time. */
    public AnalysisContext withProcessStart(Long startMs) {
        return new AnalysisContext(reclaimingCollectionsMs, changesMs, startMs);
    }

    /** Number of reclaiming collections in [fromMs, toMs]. */
    public int reclaimingCollectionsBetween(long fromMs, long toMs) {
        int count = 0;
        for (long t : reclaimingCollectionsMs) {
            if (t >= fromMs && t <= toMs) {
                count++;
            }
        }
        return count;
    }

    /** The latest change in (afterMs, toMs], or null. */
    public Long latestChangeBetween(long afterMs, long toMs) {
        Long latest = null;
        for (long t : changesMs) {
            if (t > afterMs && t <= toMs) {
                latest = t;
            }
        }
        return latest;
    }
}
