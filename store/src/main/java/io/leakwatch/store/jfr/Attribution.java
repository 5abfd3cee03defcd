package io.leakwatch.store.jfr;

import java.util.List;

/**
 * Which classes hold more of one instance's old generation in a time range than in a baseline range, from
 * JFR old-object samples: per class the sample counts, where its sampled objects were allocated, what
 * allocates it most (allocation samples), and what keeps it alive (reference chains to GC roots merged
 * into a tree with counts, as JDK Mission Control shows them).
 *
 * <p>Counts are normalised per snapshot ({@code perSnapshot}) because the two ranges may hold different
 * numbers of recordings; {@code share} is the class's fraction of all old-object samples of its range.
 *
 * @param instance           {@code service.instance.id}
 * @param fromMillis         range start (inclusive), epoch ms
 * @param toMillis           range end (exclusive)
 * @param baselineFromMillis baseline start (inclusive)
 * @param baselineToMillis   baseline end (exclusive)
 * @param snapshots          snapshots that ended in the range
 * @param baselineSnapshots  snapshots that ended in the baseline
 * @param classes            classes whose per-snapshot count or share grew, largest growth first
 */
public record Attribution(String instance, long fromMillis, long toMillis, long baselineFromMillis,
                          long baselineToMillis, long snapshots, long baselineSnapshots, List<ClassGrowth> classes) {
    public Attribution {
        classes = List.copyOf(classes);
    }

    /**
     * One class that grew.
     *
     * @param className           the class
     * @param samples             its old-object samples in the range
     * @param baselineSamples     in the baseline
     * @param perSnapshot         samples per snapshot in the range
     * @param baselinePerSnapshot per snapshot in the baseline (0 when the baseline has no snapshot)
     * @param share               its fraction of the range's old-object samples
     * @param baselineShare       of the baseline's
     * @param oldObjectStacks     allocation stacks of its sampled live objects, most samples first
     * @param allocationStacks    its allocation-sample stacks in the range, most bytes first
     * @param referenceTree       a root node labelled with the class; children are GC roots, their children the
     *                            reference chains from the root down to the sampled object, with counts
     */
    public record ClassGrowth(String className, long samples, long baselineSamples, double perSnapshot,
                              double baselinePerSnapshot, double share, double baselineShare,
                              List<StackCount> oldObjectStacks, List<StackCount> allocationStacks,
                              RefNode referenceTree) {
        public ClassGrowth {
            oldObjectStacks = List.copyOf(oldObjectStacks);
            allocationStacks = List.copyOf(allocationStacks);
        }
    }

    /** A stack (top frame first), how many samples had it, and their summed weight in bytes (0 for old objects). */
    public record StackCount(long stackHash, long samples, long weightBytes, List<String> frames) {
        public StackCount {
            frames = List.copyOf(frames);
        }
    }

    /** A node of a merged reference tree: its label, how many samples pass through it, its children (largest first). */
    public record RefNode(String label, long count, List<RefNode> children) {
        public RefNode {
            children = List.copyOf(children);
        }
    }
}
