package io.leakwatch.collector.metrics;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.leakwatch.collector.AgentLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
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
import java.util.logging.Level;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Heap usage around every garbage collection, from the GC notifications of the
 * {@link GarbageCollectorMXBean}s, exported as:
 * <ul>
 *   <li>{@code leakwatch.gc.heap.before} and {@code leakwatch.gc.heap.after}: gauges of the heap used
 *       (summed over the heap pools) before and after the last collection of each {@code jvm.gc.name} and
 *       {@code jvm.gc.action};</li>
 *   <li>{@code leakwatch.gc.old_gen.after}: the old generation used after the last collection that
 *       reclaimed it (see {@link GcCollectors}), same attributes;</li>
 *   <li>{@code leakwatch.gc.reclaiming.count}: a counter of those collections per {@code jvm.gc.name},
 *       starting at 0 for every collector that can reclaim the old generation.</li>
 * </ul>
 * The old-gen value is the live-set floor a leak verdict needs; the counter tells a new one from the last
 * one reported again. Nothing here throws into the notifying thread; {@link #close()} removes the listeners
 * and is idempotent.
 */
public final class GcHeapAfterCollection implements NotificationListener, AutoCloseable {
    static final AttributeKey<String> GC_NAME = AttributeKey.stringKey("jvm.gc.name");
    static final AttributeKey<String> GC_ACTION = AttributeKey.stringKey("jvm.gc.action");

    private final Set<String> heapPools;
    private final Set<String> oldGenPools;
    private final boolean generationalHeap;
    private final Map<Attributes, Long> heapBefore = new ConcurrentHashMap<>();
    private final Map<Attributes, Long> heapAfter = new ConcurrentHashMap<>();
    private final Map<Attributes, Long> oldGenAfter = new ConcurrentHashMap<>();
    private final Map<Attributes, AtomicLong> reclaiming = new ConcurrentHashMap<>();
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
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(data);
            onCollection(info.getGcName(), info.getGcAction(),
                    info.getGcInfo().getMemoryUsageBeforeGc(), info.getGcInfo().getMemoryUsageAfterGc());
        } catch (Throwable ignored) {
            // never into the JVM's notification thread; one odd notification costs one point
        }
    }

    /** Records one collection; the usage maps are per pool, as {@code GcInfo} gives them. */
    void onCollection(String gcName, String gcAction, Map<String, MemoryUsage> before, Map<String, MemoryUsage> after) {
        if (gcName == null || gcAction == null || before == null || after == null
                || GcCollectors.roleOf(gcName, gcAction) == GcCollectors.Role.PAUSE) {
            return;
        }
        Attributes attributes = Attributes.of(GC_NAME, gcName, GC_ACTION, gcAction);
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

    /** Sum of {@code used} over the given pools, or -1 when none of them is in the map. */
    private static long used(Map<String, MemoryUsage> usage, Set<String> pools) {
        long sum = 0;
        boolean any = false;
        for (String pool : pools) {
            MemoryUsage u = usage.get(pool);
            if (u != null && u.getUsed() >= 0) {
                sum += u.getUsed();
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
