package io.leakwatch.store.jfr;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything ingest extracted from one JFR snapshot, ready for {@link JfrWriter}: the snapshot itself and its
 * old-object samples, allocation samples, garbage collections and the stacks they refer to by hash.
 *
 * @param snapshotId      stable id of the snapshot (the same envelope always gets the same id)
 * @param startMillis     recording start, epoch ms
 * @param endMillis       recording end (dump), epoch ms; old-object rows are stamped with it
 * @param service         {@code service.name}
 * @param version         {@code service.version}, "" when unknown
 * @param instance        {@code service.instance.id}
 * @param host            {@code host.name}, "" when unknown
 * @param resource        every resource attribute of the envelope
 * @param compressedBytes size of the payload as received
 * @param jfrBytes        size of the {@code .jfr} file after decompression
 * @param oldObjects      {@code jdk.OldObjectSample} events
 * @param allocations     {@code jdk.ObjectAllocationSample} events
 * @param collections     garbage collections with heap before and after
 * @param stacks          distinct stacks referred to by the samples
 */
public record JfrSnapshotRows(String snapshotId, long startMillis, long endMillis, String service, String version,
                              String instance, String host, Map<String, String> resource, long compressedBytes,
                              long jfrBytes, List<OldObject> oldObjects, List<Allocation> allocations,
                              List<Collection> collections, List<Stack> stacks) {
    public JfrSnapshotRows {
        Objects.requireNonNull(snapshotId, "snapshotId");
        service = Objects.requireNonNullElse(service, "");
        version = Objects.requireNonNullElse(version, "");
        instance = Objects.requireNonNullElse(instance, "");
        host = Objects.requireNonNullElse(host, "");
        resource = Map.copyOf(resource);
        oldObjects = List.copyOf(oldObjects);
        allocations = List.copyOf(allocations);
        collections = List.copyOf(collections);
        stacks = List.copyOf(stacks);
    }

    /**
     * One old-object sample: an object that was sampled at allocation and was still alive at the dump.
     *
     * @param className       the object's class ({@code byte[]} style names for arrays)
     * @param allocationMillis when it was allocated, epoch ms
     * @param ageMillis       how long it had lived at the dump
     * @param arraySize       element count for arrays, -1 otherwise
     * @param heapUsedBytes   heap used at the time of the sample, as JFR last knew it
     * @param stackHash       hash of its allocation stack, 0 when it has none
     * @param rootType        GC root type (e.g. "Global JNI Handle"), "" when no path was computed
     * @param rootSystem      GC root system (e.g. "Threads", "Class Loader Data"), ""
     * @param rootDescription description of the root, ""
     * @param refChain        the reference chain from the root-most object down to the sample, one element per
     *                        object: its class, and how its holder refers to it
     */
    public record OldObject(String className, long allocationMillis, long ageMillis, int arraySize,
                            long heapUsedBytes, long stackHash, String rootType, String rootSystem,
                            String rootDescription, List<String> refChain) {
        public OldObject {
            className = Objects.requireNonNullElse(className, "");
            rootType = Objects.requireNonNullElse(rootType, "");
            rootSystem = Objects.requireNonNullElse(rootSystem, "");
            rootDescription = Objects.requireNonNullElse(rootDescription, "");
            refChain = List.copyOf(refChain);
        }
    }

    /** One allocation sample: {@code weight} bytes allocated of {@code className} at {@code stackHash}. */
    public record Allocation(long timeMillis, String className, long weight, long stackHash) {
        public Allocation {
            className = Objects.requireNonNullElse(className, "");
        }
    }

    /** One garbage collection: heap used before and after it, its collector and cause, its summed pauses. */
    public record Collection(long timeMillis, long gcId, String name, String cause, long heapBeforeBytes,
                             long heapAfterBytes, double pauseMillis) {
        public Collection {
            name = Objects.requireNonNullElse(name, "");
            cause = Objects.requireNonNullElse(cause, "");
        }
    }

    /** A stack, top frame first, and the hash samples use to refer to it. */
    public record Stack(long hash, List<String> frames) {
        public Stack {
            frames = List.copyOf(frames);
        }
    }
}
