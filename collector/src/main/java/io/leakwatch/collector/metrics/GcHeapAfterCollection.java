package io.leakwatch.collector.metrics;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.leakwatch.collector.AgentLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/**
 * Every garbage collection, from the GC notifications of the {@link GarbageCollectorMXBean}s, exported as:
 * <ul>
 *   <li>{@code jvm.gc.duration}: the semantic-convention histogram (seconds, OpenTelemetry's runtime-telemetry
 *       buckets 0.01, 0.1, 1, 10 s) per {@code jvm.gc.name} and {@code jvm.gc.action}, pauses included;</li>
 *   <li>{@code leakwatch.gc.heap.before} and {@code leakwatch.gc.heap.after}: gauges of the heap used
 *       (summed over the heap pools) before and after the last collection of each {@code jvm.gc.name} and
 *       {@code jvm.gc.action};</li>
 *   <li>{@code leakwatch.gc.old_gen.after}: the old generation used after the last collection that
 *       reclaimed it (see {@link GcCollectors}), same attributes;</li>
 *   <li>{@code leakwatch.gc.reclaiming.count}: a counter of those collections per {@code jvm.gc.name},
 *       starting at 0 for every collector that can reclaim the old generation.</li>
 * </ul>
 * The old-gen value is the live-set floor a leak verdict needs; the counter tells a new one from the last
 * one reported again.
 *
 * <p>This is the collector's only GC listener (runtime telemetry's own is left out), and it reads the
 * notification's {@link CompositeData} directly, for the few heap pools it needs, instead of converting it
 * into {@code GcInfo} maps: a collection costs the JVM's notification thread one lookup per heap pool and no
 * attribute building (attribute sets are cached per collector and action). Nothing here throws into the
 * notifying thread; {@link #close()} removes the listeners and is idempotent.
 */
public final class GcHeapAfterCollection implements NotificationListener, AutoCloseable {
    static final AttributeKey<String> GC_NAME = AttributeKey.stringKey("jvm.gc.name");
    static final AttributeKey<String> GC_ACTION = AttributeKey.stringKey("jvm.gc.action");
    /** As OpenTelemetry's runtime telemetry, so the histogram is the one any OTel JVM exports. */
    static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.1, 1.0, 10.0);

    private final Set<String> heapPools;
    private final Set<String> oldGenPools;
    private final boolean generationalHeap;
    private final Map<Attributes, Long> heapBefore = new ConcurrentHashMap<>();
    private final Map<Attributes, Long> heapAfter = new ConcurrentHashMap<>();
    private final Map<Attributes, Long> oldGenAfter = new ConcurrentHashMap<>();
    private final Map<Attributes, AtomicLong> reclaiming = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Attributes>> attributeCache = new ConcurrentHashMap<>();
    private volatile DoubleHistogram duration; // null until the instruments are registered
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final List<AutoCloseable> instruments = new ArrayList<>();
    private boolean closed;

    GcHeapAfterCollection(Set<String> heapPools) {
        this.heapPools = Set.copyOf(heapPools);
        Set<String> old = new HashSet<>();
        for (String pool : heapPools) {
            if (GcCollectors.isOldGenPool(pool)) {
                old.add(pool);
            }
        }
        // One-pool heaps (ZHeap, Shenandoah) have no old generation of their own: the heap stands for it.
        this.generationalHeap = !old.isEmpty();
        this.oldGenPools = generationalHeap ? Set.copyOf(old) : this.heapPools;
    }

    /** Listens to this JVM's collectors; registers nothing where GC notifications are unavailable. */
    public static List<AutoCloseable> registerObservers(Meter meter) {
        try {
            Set<String> heapPools = new HashSet<>();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPools.add(pool.getName());
                }
            }
            GcHeapAfterCollection gc = new GcHeapAfterCollection(heapPools);
            List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
            for (GarbageCollectorMXBean collector : collectors) {
                gc.expectCollector(collector.getName());
            }
            gc.registerInstruments(meter);
            for (GarbageCollectorMXBean collector : collectors) {
                if (collector instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(gc, null, null);
                    gc.emitters.add(emitter);
                }
            }
            return List.of(gc);
        } catch (Throwable e) {
            // e.g. a VM without com.sun.management: the other JVM signals still flow
            AgentLog.log(Level.FINE, "GC notifications unavailable, no heap-after-GC metrics: " + e);
            return List.of();
        }
    }

    /** Starts the reclaiming counter at 0 for a collector that can reclaim the old generation. */
    void expectCollector(String gcName) {
        GcCollectors.Role role = GcCollectors.roleOf(gcName, "");
        if (role != GcCollectors.Role.YOUNG && role != GcCollectors.Role.PAUSE) {
            reclaiming.computeIfAbsent(Attributes.of(GC_NAME, gcName), k -> new AtomicLong());
        }
    }

    void registerInstruments(Meter meter) {
        duration = meter.histogramBuilder("jvm.gc.duration").setUnit("s")
                .setDescription("Duration of JVM garbage collection actions.")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                .build();
        instruments.add(meter.gaugeBuilder("leakwatch.gc.heap.before").ofLongs().setUnit("By")
                .setDescription("Heap used before the last collection of this collector and action.")
                .buildWithCallback(m -> heapBefore.forEach((attributes, value) -> m.record(value, attributes))));
        instruments.add(meter.gaugeBuilder("leakwatch.gc.heap.after").ofLongs().setUnit("By")
                .setDescription("Heap used after the last collection of this collector and action.")
                .buildWithCallback(m -> heapAfter.forEach((attributes, value) -> m.record(value, attributes))));
        instruments.add(meter.gaugeBuilder("leakwatch.gc.old_gen.after").ofLongs().setUnit("By")
                .setDescription("Old generation used after the last collection that reclaimed it.")
                .buildWithCallback(m -> oldGenAfter.forEach((attributes, value) -> m.record(value, attributes))));
        instruments.add(meter.counterBuilder("leakwatch.gc.reclaiming.count").setUnit("{collection}")
                .setDescription("Collections that reclaimed the old generation (full, mixed, old or whole-heap cycles).")
                .buildWithCallback(m -> reclaiming.forEach((attributes, count) -> m.record(count.get(), attributes))));
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        try {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())
                    || !(notification.getUserData() instanceof CompositeData data)) {
                return;
            }
            // The items of GarbageCollectionNotificationInfo and GcInfo, read without building their maps.
            Object gcName = data.get("gcName");
            Object gcAction = data.get("gcAction");
            if (!(data.get("gcInfo") instanceof CompositeData gcInfo) || !(gcName instanceof String name)
                    || !(gcAction instanceof String action)) {
                return;
            }
            long millis = gcInfo.get("duration") instanceof Long d ? d : -1;
            onCollection(name, action, millis, usedIn(gcInfo.get("memoryUsageBeforeGc")),
                    usedIn(gcInfo.get("memoryUsageAfterGc")));
        } catch (Throwable ignored) {
            // never into the JVM's notification thread; one odd notification costs one point
        }
    }

    /** A pool's used bytes from a notification's {@code TabularData} of pool name to {@code MemoryUsage}. */
    private static ToLongFunction<String> usedIn(Object usage) {
        if (!(usage instanceof TabularData table)) {
            return null;
        }
        return pool -> {
            CompositeData row = table.get(new Object[] {pool});
            return row != null && row.get("value") instanceof CompositeData memoryUsage
                    && memoryUsage.get("used") instanceof Long used ? used : -1;
        };
    }

    /** Records one collection (no duration); the usage maps are per pool, as {@code GcInfo} gives them. */
    void onCollection(String gcName, String gcAction, Map<String, MemoryUsage> before, Map<String, MemoryUsage> after) {
        onCollection(gcName, gcAction, -1, before == null ? null : usedIn(before), after == null ? null : usedIn(after));
    }

    private static ToLongFunction<String> usedIn(Map<String, MemoryUsage> usage) {
        return pool -> {
            MemoryUsage u = usage.get(pool);
            return u == null ? -1 : u.getUsed();
        };
    }

    /**
     * Records one collection: its duration ({@code -1}: none) for every collector, the heap for all but the
     * pause-only beans, whose usage is zero; {@code before} and {@code after} give a pool's used bytes or -1.
     */
    void onCollection(String gcName, String gcAction, long durationMillis, ToLongFunction<String> before,
            ToLongFunction<String> after) {
        if (gcName == null || gcAction == null) {
            return;
        }
        Attributes attributes = attributesOf(gcName, gcAction);
        DoubleHistogram histogram = duration;
        if (durationMillis >= 0 && histogram != null) {
            histogram.record(durationMillis / 1000.0, attributes);
        }
        if (before == null || after == null || GcCollectors.roleOf(gcName, gcAction) == GcCollectors.Role.PAUSE) {
            return;
        }
        long heapUsedBefore = used(before, heapPools);
        long heapUsedAfter = used(after, heapPools);
        if (heapUsedBefore >= 0) {
            heapBefore.put(attributes, heapUsedBefore);
        }
        if (heapUsedAfter >= 0) {
            heapAfter.put(attributes, heapUsedAfter);
        }
        long oldAfter = used(after, oldGenPools);
        if (GcCollectors.reclaimsOldGen(gcName, gcAction, generationalHeap, used(before, oldGenPools), oldAfter) && oldAfter >= 0) {
            oldGenAfter.put(attributes, oldAfter);
            reclaiming.computeIfAbsent(Attributes.of(GC_NAME, gcName), k -> new AtomicLong()).incrementAndGet();
        }
    }

    private Attributes attributesOf(String gcName, String gcAction) {
        return attributeCache.computeIfAbsent(gcName, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(gcAction, action -> Attributes.of(GC_NAME, gcName, GC_ACTION, action));
    }

    /** Sum of the used bytes over the given pools, or -1 when none of them is known. */
    private static long used(ToLongFunction<String> usage, Set<String> pools) {
        long sum = 0;
        boolean any = false;
        for (String pool : pools) {
            long used = usage.applyAsLong(pool);
            if (used >= 0) {
                sum += used;
                any = true;
            }
        }
        return any ? sum : -1;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(this);
            } catch (Throwable ignored) {
                // already gone; removing the rest matters more
            }
        }
        for (AutoCloseable instrument : instruments) {
            try {
                instrument.close();
            } catch (Throwable ignored) {
                // closing the rest matters more
            }
        }
    }
}
