package io.leakwatch.queryapi;

import io.leakwatch.analysis.AnalysisContext;
import io.leakwatch.analysis.InstanceAnalysis;
import io.leakwatch.analysis.Reason;
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
import java.util.HashMap;
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
 * <p>The fleet ranking screens before it analyses (see {@link #leaks(String, String, Duration)}): the full
 * analysis of one instance costs tens of milliseconds, too much for every instance of a large fleet, while
 * most instances have flat floors that a coarse look already clears.
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
     * @param cacheTtl        how long a computed result is served again
     * @param cacheSize       most cached results
     * @param maxBuckets      most buckets per signal (wider windows get wider buckets)
     * @param maxInstances    most instances one fleet ranking screens
     * @param maxAnalysed     most screened-in instances one fleet ranking analyses in full (the fastest
     *                        growing first); the ranking says when more were screened in
     * @param screenMinGrowth growth of a floor over the window, as a share of its mean, from which an
     *                        instance is screened in for the full analysis (0: every instance)
     */
    public record Settings(Duration cacheTtl, int cacheSize, int maxBuckets, int maxInstances, int maxAnalysed,
                           double screenMinGrowth) {
        /** Full analysis cap of {@link #DEFAULTS}. */
        public static final int DEFAULT_MAX_ANALYSED = 200;
        /** Screening threshold of {@link #DEFAULTS}: 1 % growth of a floor over the window. */
        public static final double DEFAULT_SCREEN_MIN_GROWTH = 0.01;
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(30), 64, 360, SignalQueries.MAX_INSTANCES);

        public Settings {
            Objects.requireNonNull(cacheTtl, "cacheTtl");
            if (cacheTtl.isNegative() || cacheSize < 0 || maxBuckets < 10 || maxInstances < 1 || maxAnalysed < 1
                    || !(screenMinGrowth >= 0)) {
                throw new IllegalArgumentException("need cacheTtl >= 0, cacheSize >= 0, maxBuckets >= 10, maxInstances >= 1,"
                        + " maxAnalysed >= 1, screenMinGrowth >= 0");
            }
        }

        /** With the default full-analysis cap and screening threshold. */
        public Settings(Duration cacheTtl, int cacheSize, int maxBuckets, int maxInstances) {
            this(cacheTtl, cacheSize, maxBuckets, maxInstances, DEFAULT_MAX_ANALYSED, DEFAULT_SCREEN_MIN_GROWTH);
        }
    }

    /** One instance's analysis over a window. */
    public record InstanceReport(InstanceSignals instance, long fromMs, long toMs, long stepMs,
                                 AnalysisContext context, List<SignalResult> results) {
    }

    /**
     * The ranked suspects of a scope over a window.
     *
     * @param instancesScreened instances in scope that the screening looked at
     * @param instancesAnalysed instances analysed in full (their verdicts are those of the instance analysis)
     * @param candidates        instances the screening kept for the full analysis; more than
     *                          {@code analysisCap} means the slowest-growing ones were not analysed
     * @param analysisCap       most instances analysed in full
     */
    public record Ranking(long fromMs, long toMs, int instancesScreened, int instancesAnalysed, int candidates,
                          int analysisCap, List<Suspect> suspects) {
        /** True when candidates were left unanalysed by the cap. */
        public boolean truncated() {
            return candidates > analysisCap;
        }
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
        return leaks(service, null, window);
    }

    /**
     * The ranked suspects over the window ending now, of one service and one environment (null: all). Two
     * stages: every instance is screened on its coarse floors ({@link SignalQueries#screen}); those whose
     * floors grew by at least {@link Settings#screenMinGrowth()} (all of them for windows shorter than
     * {@link #SCREEN_MIN_WINDOW}, too short for 15-minute floors), at most {@link Settings#maxAnalysed()}
     * of them, fastest first, get the same full analysis as {@link #instance}, in parallel. The fleet
     * aggregation counts screened-out instances as judged {@code ok} on each signal they report.
     */
    public Ranking leaks(String service, String environment, Duration window) {
        String key = "l\u0000" + (service == null ? "" : service) + "\u0000" + (environment == null ? "" : environment)
                + "\u0000" + window.toMillis();
        return cached(key, () -> screenedRanking(service, environment, window));
    }

    /** Windows shorter than this are not screened: every instance is a candidate. */
    static final Duration SCREEN_MIN_WINDOW = Duration.ofHours(2);

    private Ranking screenedRanking(String service, String environment, Duration window) {
        long to = clock.millis();
        long from = to - window.toMillis();
        long step = step(window);
        List<SignalQueries.Screened> screened = queries.screen(service, environment, from, to);
        if (screened.size() > settings.maxInstances()) {
            screened = screened.subList(0, settings.maxInstances());
        }
        boolean screening = window.compareTo(SCREEN_MIN_WINDOW) >= 0;
        List<SignalQueries.Screened> candidates = new ArrayList<>();
        List<InstanceResults> perInstance = new ArrayList<>(screened.size());
        for (SignalQueries.Screened s : screened) {
            if (!screening || !(s.growth() < settings.screenMinGrowth())) {
                candidates.add(s);
            } else {
                perInstance.add(new InstanceResults(s.service(), s.version(), s.instance(), s.firstSeenMs(), flat(s, from, to)));
            }
        }
        // finite growth, fastest first, then the unscreened (infinite: no coarse data yet); ties by id
        candidates.sort(Comparator.comparing((SignalQueries.Screened s) -> Double.isInfinite(s.growth()))
                .thenComparing(Comparator.comparingDouble(SignalQueries.Screened::growth).reversed())
                .thenComparing(SignalQueries.Screened::instance));
        List<String> chosen = candidates.stream().limit(settings.maxAnalysed()).map(SignalQueries.Screened::instance).toList();
        Map<String, String> environments = new HashMap<>();
        screened.forEach(s -> environments.put(s.instance(), s.environment()));
        List<InstanceSignals> signals = queries.signals(chosen, from, to, step);
        List<InstanceReport> reports = signals.parallelStream().map(s -> report(s, from, to, step)).toList();
        List<Suspect> suspects = new ArrayList<>();
        for (InstanceReport r : reports) {
            InstanceSignals s = r.instance();
            String env = s.environment().isEmpty() ? environments.getOrDefault(s.instance(), "") : s.environment();
            perInstance.add(new InstanceResults(s.service(), s.version(), s.instance(), s.firstSeenMs(), r.results()));
            suspects.addAll(instanceSuspects(s, env, r.results()));
        }
        FleetReport report = fleet.aggregate(perInstance);
        for (ServiceFinding f : report.findings()) {
            suspects.add(serviceSuspect(f, perInstance, environment));
        }
        suspects.sort(RANKING);
        return new Ranking(from, to, screened.size(), signals.size(), candidates.size(), settings.maxAnalysed(),
                List.copyOf(suspects));
    }

    /**
     * The ranking from the full analysis of every instance in scope, unscreened and uncapped: the reference
     * the screened ranking is measured and checked against.
     */
    Ranking leaksWithoutScreening(String service, Duration window) {
        long to = clock.millis();
        long from = to - window.toMillis();
        long step = step(window);
        List<InstanceSignals> all = queries.signals(service, null, from, to, step, settings.maxInstances());
        List<InstanceResults> perInstance = new ArrayList<>(all.size());
        List<Suspect> suspects = new ArrayList<>();
        for (InstanceSignals s : all) {
            InstanceReport r = report(s, from, to, step);
            perInstance.add(new InstanceResults(s.service(), s.version(), s.instance(), s.firstSeenMs(), r.results()));
            suspects.addAll(instanceSuspects(s, s.environment(), r.results()));
        }
        FleetReport report = fleet.aggregate(perInstance);
        for (ServiceFinding f : report.findings()) {
            suspects.add(serviceSuspect(f, perInstance, null));
        }
        suspects.sort(RANKING);
        return new Ranking(from, to, all.size(), all.size(), all.size(), all.size(), List.copyOf(suspects));
    }

    private static List<Suspect> instanceSuspects(InstanceSignals s, String environment, List<SignalResult> results) {
        List<Suspect> out = new ArrayList<>();
        for (SignalResult result : results) {
            if (result.verdict().isGrowth()) {
                out.add(new Suspect(s.service(), s.version(), s.instance(), result.signal(),
                        result.verdict(), result.confidence(), result.slopePerHour(), result.unit(),
                        result.timeToExhaustionSeconds(), result.sinceMs(), result.reason(), null, null,
                        environment));
            }
        }
        return out;
    }

    /** What the fleet view counts for a screened-out instance: {@code ok} on each signal it reports. */
    private static List<SignalResult> flat(SignalQueries.Screened s, long from, long to) {
        java.util.EnumSet<Signal> signals = java.util.EnumSet.noneOf(Signal.class);
        for (ReducedSignal r : s.present()) {
            signals.add(switch (r) {
                case HEAP_USED_FLOOR, HEAP_AFTER_GC -> Signal.HEAP;
                case METASPACE -> Signal.METASPACE;
                case CLASSES -> Signal.CLASSES;
                case THREADS -> Signal.THREADS;
                case DIRECT -> Signal.DIRECT;
                case NATIVE -> Signal.NATIVE;
                case FDS -> Signal.FDS;
                case GC_SHARE -> Signal.GC;
            });
        }
        List<SignalResult> out = new ArrayList<>(signals.size());
        for (Signal signal : signals) {
            out.add(new SignalResult(signal, signal.id(), Verdict.OK, 0, signal.unit(), 0, null, from, to, null,
                    Reason.of(Reason.NO_TREND), null));
        }
        return out;
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

    /**
     * The analysis inputs of one instance, in {@link Signal} order; signals without data are left out. The
     * heap is judged on the old pool's after-GC values once they changed {@link #MIN_AFTER_GC_VALUES} times,
     * else on the raw per-bucket floor. (Keeping the raw floor until the after-GC values span the heap rule's
     * minimum window found leaks sooner, but also flagged a bounded cache filling for an hour: measured with
     * the detection-quality benchmark, so the switch stays early.)
     */
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

    private static Suspect serviceSuspect(ServiceFinding f, List<InstanceResults> all, String environment) {
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
                f.sinceMs(), f.reason(), f.growingInstances(), f.instances(), environment);
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
