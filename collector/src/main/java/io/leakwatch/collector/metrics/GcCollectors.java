package io.leakwatch.collector.metrics;

import java.util.List;
import java.util.Set;

/**
 * What each HotSpot collector's GC notifications can prove about the old generation, in one table.
 * A collection "reclaims the old generation" when it is one after which old-gen usage is a fair floor
 * of the live set: a full collection, a whole-heap or old-generation cycle of a concurrent collector, or
 * a G1 mixed collection. Names are those the JDK 17 and JDK 25 MXBeans report (checked on both).
 */
final class GcCollectors {
    /** How a collector's notifications relate to the old generation. */
    enum Role {
        /** Full or old-generation collection: always reclaims the old generation. */
        RECLAIMS,
        /**
         * A concurrent collector's cycle: the whole heap when the heap is one pool (ZGC on JDK 17,
         * Shenandoah); in generational mode (generational Shenandoah, JDK 25) the same bean reports young
         * and old cycles alike, so it counts only when old-gen usage went down.
         */
        CYCLE,
        /**
         * Young collections that may also collect old regions (G1 mixed collections are reported by the
         * young collector) or end a concurrent cycle: they count only when old-gen usage went down.
         */
        RECLAIMS_WHEN_OLD_SHRINKS,
        /** Young-only collections: heap before and after are real, but never old-gen evidence. */
        YOUNG,
        /**
         * Pauses inside a concurrent cycle (ZGC and Shenandoah "Pauses" beans): not a collection's outcome;
         * their notifications carry zero usage for every pool, so they are skipped altogether.
         */
        PAUSE
    }

    private record Row(String gcName, Role role) {}

    // G1: "G1 Young Generation" (young and mixed), "G1 Old Generation" (full), "G1 Concurrent GC" (remark
    // and cleanup pauses, JDK 20+). Parallel: PS Scavenge / PS MarkSweep. Serial: Copy / MarkSweepCompact.
    // Non-generational ZGC (JDK 17) and Shenandoah collect the whole heap every cycle; generational ZGC
    // (JDK 21+) splits minor and major beans, generational Shenandoah does not (only its pools split).
    // Their "Pauses" beans report pauses inside a cycle, not its outcome.
    private static final List<Row> TABLE = List.of(
            new Row("G1 Old Generation", Role.RECLAIMS),
            new Row("G1 Young Generation", Role.RECLAIMS_WHEN_OLD_SHRINKS),
            new Row("G1 Concurrent GC", Role.RECLAIMS_WHEN_OLD_SHRINKS),
            new Row("PS MarkSweep", Role.RECLAIMS),
            new Row("PS Scavenge", Role.YOUNG),
            new Row("MarkSweepCompact", Role.RECLAIMS),
            new Row("Copy", Role.YOUNG),
            new Row("ZGC Cycles", Role.CYCLE),
            new Row("ZGC Pauses", Role.PAUSE),
            new Row("ZGC Major Cycles", Role.RECLAIMS),
            new Row("ZGC Major Pauses", Role.PAUSE),
            new Row("ZGC Minor Cycles", Role.YOUNG),
            new Row("ZGC Minor Pauses", Role.PAUSE),
            new Row("Shenandoah Cycles", Role.CYCLE),
            new Row("Shenandoah Pauses", Role.PAUSE));

    /**
     * Heap pools that hold the old generation. A collector whose heap is one pool ({@code ZHeap},
     * {@code Shenandoah}) has none of these; then the whole heap stands for the old generation.
     */
    private static final Set<String> OLD_GEN_POOLS =
            Set.of("G1 Old Gen", "PS Old Gen", "Tenured Gen", "ZGC Old Generation", "Shenandoah Old Gen");

    static final String MAJOR_ACTION = "end of major GC";

    private GcCollectors() {}

    static Role roleOf(String gcName, String gcAction) {
        for (Row row : TABLE) {
            if (row.gcName().equals(gcName)) {
                return row.role();
            }
        }
        // A collector this table does not know (a future JDK, another VM): trust the action HotSpot uses for
        // full collections, otherwise ask the old generation itself.
        return MAJOR_ACTION.equals(gcAction) ? Role.RECLAIMS : Role.RECLAIMS_WHEN_OLD_SHRINKS;
    }

    /**
     * Whether this collection is evidence of what survives in the old generation; {@code generationalHeap}
     * says whether the heap has an old-generation pool of its own.
     */
    static boolean reclaimsOldGen(String gcName, String gcAction, boolean generationalHeap, long oldBefore, long oldAfter) {
        boolean oldShrank = oldBefore >= 0 && oldAfter >= 0 && oldAfter < oldBefore;
        return switch (roleOf(gcName, gcAction)) {
            case RECLAIMS -> true;
            case CYCLE -> !generationalHeap || oldShrank;
            case RECLAIMS_WHEN_OLD_SHRINKS -> oldShrank;
            case YOUNG, PAUSE -> false;
        };
    }

    static boolean isOldGenPool(String poolName) {
        return OLD_GEN_POOLS.contains(poolName);
    }
}
