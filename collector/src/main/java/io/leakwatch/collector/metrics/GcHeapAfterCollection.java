package io.leakwatch.collector.metrics;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.leakwatch.collector.AgentLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import com.sun.management.GcInfo;
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
 *
 * <p>The notifications are the JVM's cost, not the listener's: with a listener attached, the JVM builds one
 * per collection whatever the listener does with it. So a {@link GcNotificationBudget} decides at each
 * collection tick: in a GC storm the listeners are removed and the tick reads each collector's count, time
 * and last collection ({@code getLastGcInfo}) instead, until the rate falls again. While polled,
 * {@code jvm.gc.duration} keeps an exact count and sum per collector and action (each collection of the tick
 * is recorded at the tick's mean duration, so its buckets are approximate), the heap gauges come from each
 * collector's last collection of the tick, and old-generation evidence from a collector that reclaims only
 * sometimes (G1 young/mixed) is taken only when the tick's last collection shows it.
 * {@code leakwatch.collector.gc.notifications} says which mode a JVM is in (1 listening, 0 polling).
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
    private final Map<String, String> lastAction = new ConcurrentHashMap<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final List<AutoCloseable> instruments = new ArrayList<>();
    private final List<PolledCollector> polled = new ArrayList<>();
    private GcNotificationBudget budget = new GcNotificationBudget(0);
    private boolean listening;
    private long lastTickNanos;
    private boolean closed;

    /** A collector's counters as of the last tick. */
    private static final class PolledCollector {
        final GarbageCollectorMXBean bean;
        long count;
        long timeMillis;
        long lastGcId = -1;

        PolledCollector(GarbageCollectorMXBean bean) {
            this.bean = bean;
        }
    }

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

    /** As {@link #registerObservers(Meter, double)} with {@link GcNotificationBudget#DEFAULT_MAX_PER_SECOND}. */
    public static List<AutoCloseable> registerObservers(Meter meter) {
        return registerObservers(meter, GcNotificationBudget.DEFAULT_MAX_PER_SECOND);
    }

    /**
     * Observes this JVM's collectors, listening to their notifications while they collect at most
     * {@code maxNotificationsPerSecond} times a second (0: never, always polled); registers nothing where the
     * collector MXBeans are unavailable.
     */
    public static List<AutoCloseable> registerObservers(Meter meter, double maxNotificationsPerSecond) {
        try {
            Set<String> heapPools = new HashSet<>();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    heapPools.add(pool.getName());
                }
            }
            GcHeapAfterCollection gc = new GcHeapAfterCollection(heapPools);
            gc.budget = new GcNotificationBudget(maxNotificationsPerSecond);
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                gc.expectCollector(collector.getName());
                gc.polled.add(new PolledCollector(collector));
                if (collector instanceof NotificationEmitter emitter) {
                    gc.emitters.add(emitter);
                }
            }
            gc.registerInstruments(meter);
            gc.start(System.nanoTime());
            return List.of(gc);
        } catch (Throwable e) {
            // e.g. a VM without com.sun.management: the other JVM signals still flow
            AgentLog.log(Level.FINE, "GC MXBeans unavailable, no heap-after-GC metrics: " + e);
            return List.of();
        }
    }

    private synchronized void start(long nowNanos) {
        lastTickNanos = nowNanos;
        if (budget.maxPerSecond() > 0) {
            setListening(true);
        }
        readCounters(false);
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
        ObservableLongMeasurement before = meter.gaugeBuilder("leakwatch.gc.heap.before").ofLongs().setUnit("By")
                .setDescription("Heap used before the last collection of this collector and action.")
                .buildObserver();
        ObservableLongMeasurement after = meter.gaugeBuilder("leakwatch.gc.heap.after").ofLongs().setUnit("By")
                .setDescription("Heap used after the last collection of this collector and action.")
                .buildObserver();
        ObservableLongMeasurement old = meter.gaugeBuilder("leakwatch.gc.old_gen.after").ofLongs().setUnit("By")
                .setDescription("Old generation used after the last collection that reclaimed it.")
                .buildObserver();
        ObservableLongMeasurement count = meter.counterBuilder("leakwatch.gc.reclaiming.count").setUnit("{collection}")
                .setDescription("Collections that reclaimed the old generation (full, mixed, old or whole-heap cycles).")
                .buildObserver();
        ObservableLongMeasurement mode = meter.gaugeBuilder("leakwatch.collector.gc.notifications").ofLongs()
                .setUnit("1")
                .setDescription("1 while every collection is observed through GC notifications, 0 while the"
                        + " collectors are polled at each collection tick (GC rate above the notification budget).")
                .buildObserver();
        // One callback for all of them: the tick that may poll the collectors runs before any value is read.
        instruments.add(meter.batchCallback(() -> {
            try {
                tick(System.nanoTime());
                heapBefore.forEach((attributes, value) -> before.record(value, attributes));
                heapAfter.forEach((attributes, value) -> after.record(value, attributes));
                oldGenAfter.forEach((attributes, value) -> old.record(value, attributes));
                reclaiming.forEach((attributes, value) -> count.record(value.get(), attributes));
                if (!polled.isEmpty()) {
                    mode.record(isListening() ? 1 : 0);
                }
            } catch (Throwable ignored) {
                // a failed read costs this tick's GC points, never the export
            }
        }, before, after, old, count, mode));
    }

    synchronized boolean isListening() {
        return listening;
    }

    /**
     * One collection tick: reads every collector's counters, records what happened since the last tick when
     * not listening, and switches mode when the budget says so. Runs on the collection thread.
     */
    synchronized void tick(long nowNanos) {
        if (closed || polled.isEmpty()) {
            return;
        }
        double seconds = (nowNanos - lastTickNanos) / 1e9;
        lastTickNanos = nowNanos;
        long collections = readCounters(!listening);
        boolean next = budget.listen(listening, collections, seconds);
        if (next != listening) {
            setListening(next);
            // After a switch the counters are the new baseline: the collections between the read above and
            // the switch were observed (by the listener that has just left) or are lost (by the one just
            // joined), never counted twice.
            readCounters(false);
        }
    }

    /** Collections of every collector since the last read; with {@code record}, records them as polled. */
    private long readCounters(boolean record) {
        long total = 0;
        for (PolledCollector c : polled) {
            long count = c.bean.getCollectionCount();
            long time = c.bean.getCollectionTime();
            if (count < 0) {
                continue; // a collector that does not count
            }
            long collections = Math.max(0, count - c.count);
            long millis = Math.max(0, time - c.timeMillis);
            c.count = count;
            c.timeMillis = Math.max(time, 0);
            total += collections;
            if (record && collections > 0) {
                recordPolled(c, collections, millis);
            }
        }
        return total;
    }

    /** Most collections one tick records into the histogram one by one; beyond it the count is what is lost. */
    private static final long MAX_RECORDED_PER_TICK = 100_000;

    private void recordPolled(PolledCollector c, long collections, long millis) {
        String gcName = c.bean.getName();
        String gcAction = lastAction.getOrDefault(gcName, defaultAction(gcName));
        Attributes attributes = attributesOf(gcName, gcAction);
        DoubleHistogram histogram = duration;
        if (histogram != null) {
            double mean = millis / 1000.0 / collections;
            for (long i = Math.min(collections, MAX_RECORDED_PER_TICK); i > 0; i--) {
                histogram.record(mean, attributes);
            }
        }
        if (!(c.bean instanceof com.sun.management.GarbageCollectorMXBean bean)) {
            return;
        }
        GcInfo last = bean.getLastGcInfo();
        if (last == null || last.getId() == c.lastGcId) {
            return;
        }
        c.lastGcId = last.getId();
        boolean reclaimed = update(gcName, gcAction, usedIn(last.getMemoryUsageBeforeGc()),
                usedIn(last.getMemoryUsageAfterGc()));
        long reclaimingCollections = GcCollectors.roleOf(gcName, gcAction) == GcCollectors.Role.RECLAIMS
                ? collections : reclaimed ? 1 : 0;
        if (reclaimingCollections > 0) {
            reclaiming.computeIfAbsent(Attributes.of(GC_NAME, gcName), k -> new AtomicLong())
                    .addAndGet(reclaimingCollections);
        }
    }

    /** The action HotSpot reports for a collector never heard from: its full collections are "major". */
    private static String defaultAction(String gcName) {
        return GcCollectors.roleOf(gcName, "") == GcCollectors.Role.RECLAIMS ? GcCollectors.MAJOR_ACTION
                : "end of minor GC";
    }

    private void setListening(boolean listen) {
        for (NotificationEmitter emitter : emitters) {
            try {
                if (listen) {
                    emitter.addNotificationListener(this, null, null);
                } else {
                    emitter.removeNotificationListener(this);
                }
            } catch (Throwable e) {
                // a listener already gone, or a bean refusing listeners: the others still switch
                AgentLog.log(Level.FINE, "GC listener switch failed on one collector: " + e);
            }
        }
        listening = listen;
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
        if (!gcAction.equals(lastAction.get(gcName))) {
            lastAction.put(gcName, gcAction);
        }
        DoubleHistogram histogram = duration;
        if (durationMillis >= 0 && histogram != null) {
            histogram.record(durationMillis / 1000.0, attributesOf(gcName, gcAction));
        }
        if (update(gcName, gcAction, before, after)) {
            reclaiming.computeIfAbsent(Attributes.of(GC_NAME, gcName), k -> new AtomicLong()).incrementAndGet();
        }
    }

    /**
     * Sets the heap gauges from one collection's usage, and the old-generation one when it reclaimed the old
     * generation, which it returns.
     */
    private boolean update(String gcName, String gcAction, ToLongFunction<String> before, ToLongFunction<String> after) {
        if (before == null || after == null || GcCollectors.roleOf(gcName, gcAction) == GcCollectors.Role.PAUSE) {
            return false;
        }
        Attributes attributes = attributesOf(gcName, gcAction);
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
            return true;
        }
        return false;
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
        if (listening) {
            setListening(false);
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
