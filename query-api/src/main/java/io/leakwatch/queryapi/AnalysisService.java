package io.leakwatch.queryapi;

import io.leakwatch.analysis.AnalysisContext;
import io.leakwatch.analysis.InstanceAnalysis;
import io.leakwatch.analysis.Series;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.SignalResult;
import io.leakwatch.analysis.Verdict;
import io.leakwatch.analysis.fleet.FleetAnalysis;
import io.leakwatch.analysis.fleet.FleetReport;
import io.leakwatch.analysis.fleet.InstanceResults;
import io.leakwatch.analysis.fleet.ServiceFinding;
import io.leakwatch.store.InstanceSignals;
import io.leakwatch.store.ReducedSeries;
import io.leakwatch.store.ReducedSignal;
import io.leakwatch.store.SignalQueries;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns the store's reduced signals into analysis inputs, runs the per-instance rules and the fleet
 * aggregation, and ranks the suspects. Blocking (it queries the store): call it from a worker thread.
 *
 * <p>Inputs: the heap is judged on the old pool's used-after-GC values when they changed at least
 * {@link #MIN_AFTER_GC_VALUES} times in the window (each change is a reclaiming collection), else on the
 * per-bucket heap floor as a raw sawtooth whose lower envelope the rule takes. Buckets are one minute, or
 * wider so that a window has at most {@link Settings#maxBuckets()} of them. The instance's first-seen time
 * stands for its process start (warm-up exclusion), its version changes for deploys.
 *
 * <p>Results are cached per (scope, window) for {@link Settings#cacheTtl()}, at most
 * {@link Settings#cacheSize()} entries, least recently used evicted; a burst of identical requests may
 * compute twice, never serve stale beyond the TTL.
 */
public final class AnalysisService {

    /** Distinct after-GC values that make the after-GC series the heap's input. */
    static final int MIN_AFTER_GC_VALUES = 3;

    /** Ranking order: leak before growing, then higher confidence, then sooner exhaustion. */
    static final Comparator<Suspect> RANKING = Comparator
            .comparingInt((Suspect s) -> s.verdict().ordinal())
            .thenComparing(Comparator.comparingInt(Suspect::confidence).reversed())
            .thenComparing(s -> s.timeToExhaustionSeconds() == null ? Long.MAX_VALUE : s.timeToExhaustionSeconds())
            .thenComparing(Suspect::service)
            .thenComparing(s -> s.instance() == null ? "" : s.instance())
            .thenComparing(s -> s.signal().ordinal());

    /**
     * @param cacheTtl     how long a computed result is served again
     * @param cacheSize    most cached results
     * @param maxBuckets   most buckets per signal (wider windows get wider buckets)
     * @param maxInstances most instances one fleet ranking analyses
     */
    public record Settings(Duration cacheTtl, int cacheSize, int maxBuckets, int maxInstances) {
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(30), 64, 360, SignalQueries.MAX_INSTANCES);

        public Settings {
            Objects.requireNonNull(cacheTtl, "cacheTtl");
            if (cacheTtl.isNegative() || cacheSize < 0 || maxBuckets < 10 || maxInstances < 1) {
                throw new IllegalArgumentException("need cacheTtl >= 0, cacheSize >= 0, maxBuckets >= 10, maxInstances >= 1");
            }
        }
    }

    /** One instance's analysis over a window. */
    public record InstanceReport(InstanceSignals instance, long fromMs, long toMs, long stepMs,
                                 AnalysisContext context, List<SignalResult> results) {
    }

    /** The ranked suspects of a scope over a window. */
    public record Ranking(long fromMs, long toMs, int instancesAnalysed, List<Suspect> suspects) {
    }

    private record Cached(long atMs, Object value) {
    }

    private final SignalQueries queries;
    private final Clock clock;
    private final Settings settings;
    private final InstanceAnalysis analysis;
    private final FleetAnalysis fleet = FleetAnalysis.withDefaults();
    private final Map<String, Cached> cache;

    public AnalysisService(SignalQueries queries, Clock clock, Settings settings) {
        this(queries, clock, settings, InstanceAnalysis.withDefaults());
    }

    /** With the given rules, e.g. {@link InstanceAnalysis#compressedTo} for a demo. */
    public AnalysisService(SignalQueries queries, Clock clock, Settings settings, InstanceAnalysis analysis) {
        this.analysis = Objects.requireNonNull(analysis, "analysis");
        this.queries = Objects.requireNonNull(queries, "queries");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > settings.cacheSize();
            }
        };
    }

    /** The analysis of one instance over the window ending now, or empty when the store has no such instance. */
    public Optional<InstanceReport> instance(String instance, Duration window) {
        return cached("i\u0000" + instance + "\u0000" + window.toMillis(), () -> {
            long to = clock.millis();
            long from = to - window.toMillis();
            long step = step(window);
            List<InstanceSignals> found = queries.signals(null, instance, from, to, step, 1);
            if (found.isEmpty()) {
                return Optional.<InstanceReport>empty();
            }
            return Optional.of(report(found.getFirst(), from, to, step));
        });
    }

    /** The ranked suspects (leak and growing, per instance and per service version) over the window ending now. */
    public Ranking leaks(String service, Duration window) {
        return cached("l\u0000" + (service == null ? "" : service) + "\u0000" + window.toMillis(), () -> {
            long to = clock.millis();
            long from = to - window.toMillis();
            long step = step(window);
            List<InstanceSignals> all = queries.signals(service, null, from, to, step, settings.maxInstances());
            List<InstanceResults> perInstance = new ArrayList<>(all.size());
            List<Suspect> suspects = new ArrayList<>();
            for (InstanceSignals s : all) {
                InstanceReport r = report(s, from, to, step);
                perInstance.add(new InstanceResults(s.service(), s.version(), s.instance(), s.firstSeenMs(), r.results()));
                for (SignalResult result : r.results()) {
                    if (result.verdict().isGrowth()) {
                        suspects.add(new Suspect(s.service(), s.version(), s.instance(), result.signal(),
                                result.verdict(), result.confidence(), result.slopePerHour(), result.unit(),
                                result.timeToExhaustionSeconds(), result.sinceMs(), result.reason(), null, null));
                    }
                }
            }
            FleetReport report = fleet.aggregate(perInstance);
            for (ServiceFinding f : report.findings()) {
                suspects.add(serviceSuspect(f, perInstance));
            }
            suspects.sort(RANKING);
            return new Ranking(from, to, all.size(), List.copyOf(suspects));
        });
    }

    /** Bucket width: one minute, or wider so the window has at most maxBuckets buckets. */
    long step(Duration window) {
        long minutes = Math.max(1, -Math.floorDiv(-window.toMillis(), settings.maxBuckets() * 60_000L));
        return minutes * 60_000L;
    }

    private InstanceReport report(InstanceSignals s, long from, long to, long step) {
        AnalysisContext context = AnalysisContext.EMPTY
                .withReclaimingCollections(s.reclaimingCollectionsMs())
                .withChanges(s.versionChangesMs())
                .withProcessStart(s.firstSeenMs() > 0 ? s.firstSeenMs() : null);
        return new InstanceReport(s, from, to, step, context, analysis.analyse(inputs(s), context));
    }

    /** The analysis inputs of one instance, in {@link Signal} order; signals without data are left out. */
    static List<Series> inputs(InstanceSignals s) {
        List<Series> out = new ArrayList<>();
        ReducedSeries afterGc = s.series().get(ReducedSignal.HEAP_AFTER_GC);
        ReducedSeries heapFloor = s.series().get(ReducedSignal.HEAP_USED_FLOOR);
        if (afterGc != null && distinct(afterGc.values()) >= MIN_AFTER_GC_VALUES) {
            out.add(series("heap.after_gc", Signal.HEAP, afterGc, Series.Kind.FLOOR));
        } else if (heapFloor != null) {
            out.add(series("heap.used_floor", Signal.HEAP, heapFloor, Series.Kind.RAW));
        }
        add(out, s, ReducedSignal.METASPACE, Signal.METASPACE);
        add(out, s, ReducedSignal.CLASSES, Signal.CLASSES);
        add(out, s, ReducedSignal.THREADS, Signal.THREADS);
        add(out, s, ReducedSignal.DIRECT, Signal.DIRECT);
        add(out, s, ReducedSignal.NATIVE, Signal.NATIVE);
        add(out, s, ReducedSignal.FDS, Signal.FDS);
        add(out, s, ReducedSignal.GC_SHARE, Signal.GC);
        return out;
    }

    private static void add(List<Series> out, InstanceSignals s, ReducedSignal from, Signal to) {
        ReducedSeries r = s.series().get(from);
        if (r != null) {
            out.add(series(to.id(), to, r, Series.Kind.FLOOR));
        }
    }

    private static Series series(String name, Signal signal, ReducedSeries r, Series.Kind kind) {
        Double limit = r.limit() != null && r.limit() > 0 && Double.isFinite(r.limit()) ? r.limit() : null;
        return Series.of(name, signal, r.timestampsMs(), r.values(), limit, null, kind);
    }

    private static int distinct(double[] values) {
        int n = values.length == 0 ? 0 : 1;
        for (int i = 1; i < values.length && n < MIN_AFTER_GC_VALUES; i++) {
            if (values[i] != values[i - 1]) {
                n++;
            }
        }
        return n;
    }

    private static Suspect serviceSuspect(ServiceFinding f, List<InstanceResults> all) {
        int leaks = 0;
        List<Long> exhaustion = new ArrayList<>();
        for (InstanceResults r : all) {
            if (r.service().equals(f.service()) && r.version().equals(f.version())) {
                for (SignalResult s : r.results()) {
                    if (s.signal() == f.signal() && s.verdict().isGrowth()) {
                        leaks += s.verdict() == Verdict.LEAK ? 1 : 0;
                        if (s.timeToExhaustionSeconds() != null) {
                            exhaustion.add(s.timeToExhaustionSeconds());
                        }
                    }
                }
            }
        }
        exhaustion.sort(null);
        Verdict verdict = 2 * leaks > f.growingInstances() ? Verdict.LEAK : Verdict.GROWING;
        return new Suspect(f.service(), f.version(), null, f.signal(), verdict, f.confidence(),
                f.medianSlopePerHour(), f.unit(), exhaustion.isEmpty() ? null : exhaustion.get(exhaustion.size() / 2),
                f.sinceMs(), f.reason(), f.growingInstances(), f.instances());
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(String key, Supplier<T> compute) {
        long now = clock.millis();
        synchronized (cache) {
            Cached c = cache.get(key);
            if (c != null && now - c.atMs() < settings.cacheTtl().toMillis()) {
                return (T) c.value();
            }
        }
        T value = compute.get();
        if (settings.cacheSize() > 0 && !settings.cacheTtl().isZero()) {
            synchronized (cache) {
                cache.put(key, new Cached(now, value));
            }
        }
        return value;
    }
}
