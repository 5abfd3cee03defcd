package io.leakwatch.bench.detection;

import io.leakwatch.analysis.Series;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.SignalResult;
import io.leakwatch.analysis.Verdict;
import io.leakwatch.analysis.baseline.Baseline;
import io.leakwatch.analysis.baseline.JmcLiveSetBaseline;
import io.leakwatch.analysis.baseline.PredictLinearBaseline;
import io.leakwatch.analysis.baseline.UsageThresholdBaseline;
import io.leakwatch.bench.traces.TraceReplayer;
import io.leakwatch.queryapi.AnalysisService;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.ReducedSeries;
import io.leakwatch.store.ReducedSignal;
import io.leakwatch.store.SeriesPoint;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.testing.RecordedTraces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Detection quality on the scenario zoo's recorded traces: every trace is replayed (stretched to a
 * production cadence) through the ingest decoder into a real embedded store; then a simulated "now" steps
 * through the trace and, at each step, LeakWatch's analysis runs exactly as the API runs it
 * ({@link AnalysisService#instance} over the store's {@code SignalQueries}), next to the three baselines
 * of the analysis module on the same stored data: {@code predict_linear} and {@code used/max > 80%} on raw
 * heap used, JMC's live-set method on the old generation's used-after-GC. The two alert-style baselines
 * also see the scenario's own signal when it is not the heap and has a limit (direct buffers, file
 * descriptors, metaspace), as an operator would put them on those gauges too.
 *
 * <p>Prints per scenario the first firing time of each method (simulated minutes after the leak started;
 * for healthy scenarios after the trace started, each a false positive), and per method precision,
 * recall and the median detection delay, also as a share of the time the leak needs to exhaust its limit.
 *
 * <p>Run after a build, from the checkout root:
 * <pre>java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *   io.leakwatch.bench.detection.DetectionQualityBench [factor=30] [step=5m] [window=6h] [skip=0s] [scenarios=all|a,b]</pre>
 */
public final class DetectionQualityBench {
    static final List<Baseline> BASELINES = List.of(PredictLinearBaseline.DEFAULT, UsageThresholdBaseline.DEFAULT,
            JmcLiveSetBaseline.DEFAULT);
    static final String LEAKWATCH = "leakwatch";
    static final String LEAKWATCH_ANY_GROWTH = "leakwatch (leak|growing)";

    /** A clock the benchmark moves. */
    static final class SteppingClock extends Clock {
        private volatile long millis;

        void set(long value) {
            millis = value;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /**
     * What one method did on one scenario.
     *
     * @param firstMillis first firing time, or null
     * @param detail      the signal or detail behind the first firing
     */
    record Firing(Long firstMillis, String detail, String why) {
        static final Firing NONE = new Firing(null, "", "");

        Firing(Long firstMillis, String detail) {
            this(firstMillis, detail, "");
        }
    }

    /** One scenario's outcome. */
    record Outcome(RecordedTraces.Label label, long startMillis, long leakStartMillis, long endMillis,
                   Double exhaustionMillis, Map<String, Firing> firings, String finalVerdict) {
    }

    private DetectionQualityBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "factor", "30", "step", "5m", "window", "6h", "scenarios", "all", "data", "", "skip", "0s"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || !options.containsKey(arg.substring(0, eq))) {
                throw new IllegalArgumentException("unknown argument " + arg + "; known: " + options.keySet());
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        double factor = Double.parseDouble(options.get("factor"));
        long skipMillis = duration(options.get("skip")).toMillis();
        Duration step = duration(options.get("step"));
        Duration window = duration(options.get("window"));
        List<String> scenarios = options.get("scenarios").equals("all") ? RecordedTraces.available()
                : List.of(options.get("scenarios").split(","));
        Path data = options.get("data").isEmpty() ? Files.createTempDirectory("leakwatch-detection")
                : Path.of(options.get("data"));

        System.out.printf(Locale.ROOT, "detection quality: %d traces, stretched x%.0f (1 s export -> %.0f s), "
                + "analysis every %d simulated min over a %s window, first %s of each recording skipped, embedded store in %s%n",
                scenarios.size(), factor, factor, step.toMinutes(), options.get("window"), options.get("skip"), data);
        // Whole hours: the store buckets by minute and the rules envelope by epoch-aligned buckets, so the
        // same alignment every run keeps results reproducible.
        long end = System.currentTimeMillis() / 3_600_000 * 3_600_000;
        List<Outcome> outcomes = new ArrayList<>();
        try (Store store = Store.open(StoreConfig.embedded(data, ChdbLibrary.locate()))) {
            SteppingClock clock = new SteppingClock();
            AnalysisService service = new AnalysisService(store.signals(), clock,
                    new AnalysisService.Settings(Duration.ZERO, 0, 360, 100));
            for (String scenario : scenarios) {
                long started = System.nanoTime();
                outcomes.add(run(scenario, factor, skipMillis, end, step, window, store, service, clock));
                System.out.printf(Locale.ROOT, "  %-28s done in %.1f s%n", scenario, (System.nanoTime() - started) / 1e9);
            }
        }
        print(outcomes, factor);
    }

    static Outcome run(String scenario, double factor, long skipMillis, long end, Duration step, Duration window, Store store,
                       AnalysisService service, SteppingClock clock) {
        RecordedTraces.Label label = RecordedTraces.label(scenario);
        String instance = label.instanceId() + "-x" + (long) factor;
        TraceReplayer.Result replay = TraceReplayer.replayDirect(scenario,
                new TraceReplayer.Options(factor, end, instance, skipMillis), store.writer());
        long start = replay.firstMillis();
        // With a skipped warm-up the replayed process "starts" at its first point; a leak running from the
        // start is then counted from there too.
        long leakStart = label.isLeak()
                ? Math.max(start, replay.warp().millis(label.processStartMillis() + label.leakStartSeconds() * 1000)) : start;

        // Raw heap used (sum over heap pools per export) and the old generation's used-after-GC, once.
        TreeMap<Long, Double> heapUsed = new TreeMap<>();
        for (SeriesPoint p : store.queries().series(instance, "jvm.memory.used", Map.of("jvm.memory.type", "heap"),
                start - 60_000, replay.lastMillis() + 60_000, 1_000_000)) {
            heapUsed.merge(p.timeMillis(), p.value(), Double::sum);
        }
        TreeMap<Long, Double> oldAfterGc = new TreeMap<>();
        for (SeriesPoint p : store.queries().series(instance, "jvm.memory.used_after_last_gc",
                Map.of("jvm.memory.type", "heap"), start - 60_000, replay.lastMillis() + 60_000, 1_000_000)) {
            String pool = p.attributes().getOrDefault("jvm.memory.pool.name", "");
            // The old pool reads 0 until its first collection: no reading (JMC's GC events would not exist for it);
            // kept, the jump from 0 made JMC fire on any heap that was merely filling.
            if ((pool.contains("Old") || pool.contains("Tenured")) && p.value() > 0) {
                oldAfterGc.merge(p.timeMillis(), p.value(), Double::sum);
            }
        }
        double heapLimit = RecordedTraces.label(scenario).signal().equals("heap") && label.limit() > 0
                ? label.limit() : 256.0 * 1024 * 1024;

        Signal labelled = Signal.fromId(label.signal());
        List<Signal> counted = new ArrayList<>(List.of(labelled));
        alsoMoves(scenario).forEach(s -> counted.add(Signal.fromId(s)));
        Map<String, Firing> firings = new LinkedHashMap<>();
        firings.put(LEAKWATCH, Firing.NONE);
        firings.put(LEAKWATCH_ANY_GROWTH, Firing.NONE);
        BASELINES.forEach(b -> firings.put(b.name(), Firing.NONE));
        String finalVerdict = "-";
        List<SignalResult> lastResults = List.of();
        for (long now = start + step.toMillis(); now < replay.lastMillis() + step.toMillis(); now += step.toMillis()) {
            long at = Math.min(now, replay.lastMillis() + 1);
            clock.set(at);
            Optional<AnalysisService.InstanceReport> report = service.instance(instance, window);
            List<SignalResult> results = report.map(AnalysisService.InstanceReport::results).orElse(List.of());
            lastResults = results;
            for (SignalResult r : results) {
                // A healthy scenario's false positive is a verdict on any signal; a leak counts when its own signals fire.
                boolean relevant = !label.isLeak() || counted.contains(r.signal());
                if (relevant && r.verdict() == Verdict.LEAK && firings.get(LEAKWATCH).firstMillis() == null) {
                    firings.put(LEAKWATCH, new Firing(at, r.signal().id(), String.format(Locale.ROOT,
                            "%s %s c%d, slope %.4g %s/h, since %+.0f min: %s", r.signal().id(), r.verdict().id(),
                            r.confidence(), r.slopePerHour(), r.unit(),
                            r.sinceMs() == null ? Double.NaN : (r.sinceMs() - leakStart) / 60_000.0, r.message())));
                }
                if (relevant && r.verdict().isGrowth() && firings.get(LEAKWATCH_ANY_GROWTH).firstMillis() == null) {
                    firings.put(LEAKWATCH_ANY_GROWTH, new Firing(at, r.signal().id() + ":" + r.verdict().id()));
                }
            }
            long from = at - window.toMillis();
            Series raw = series("heap.used", Signal.HEAP, heapUsed.subMap(from, true, at, true), heapLimit, Series.Kind.RAW);
            Series afterGc = series("heap.after_gc", Signal.HEAP, oldAfterGc.subMap(from, true, at, true), heapLimit,
                    Series.Kind.FLOOR);
            Series own = ownSignal(report, labelled, label);
            for (Baseline b : BASELINES) {
                if (firings.get(b.name()).firstMillis() != null) {
                    continue;
                }
                Series input = b instanceof JmcLiveSetBaseline ? afterGc : raw;
                // Same rule as for LeakWatch: on a leak trace only the leaking signals count (a heap alert during a
                // thread leak's warm-up is not a detection of it); on a healthy trace every firing is a false positive.
                boolean heapCounts = !label.isLeak() || counted.contains(Signal.HEAP);
                String fired = heapCounts && input != null && input.size() > 0 && b.evaluate(input).fires() ? "heap" : null;
                // JMC's method is about the heap's live set only; the alert-style baselines are also put on other limits.
                if (fired == null && !(b instanceof JmcLiveSetBaseline) && own != null && own.size() > 0
                        && b.evaluate(own).fires()) {
                    fired = labelled.id();
                }
                if (fired != null) {
                    firings.put(b.name(), new Firing(at, fired));
                }
            }
        }
        for (SignalResult r : lastResults) {
            if (r.signal() == labelled) {
                finalVerdict = r.verdict().id() + " c" + r.confidence();
            }
        }
        Double exhaustion = exhaustionMillis(label, heapUsed, leakStart, factor);
        return new Outcome(label, start, leakStart, replay.lastMillis(), exhaustion, firings, finalVerdict);
    }

    /** The scenario's own signal as the store reduced it, when it is not the heap and has a limit. */
    static Series ownSignal(Optional<AnalysisService.InstanceReport> report, Signal signal, RecordedTraces.Label label) {
        ReducedSignal reduced = switch (signal) {
            case DIRECT -> ReducedSignal.DIRECT;
            case FDS -> ReducedSignal.FDS;
            case METASPACE -> ReducedSignal.METASPACE;
            default -> null;
        };
        if (reduced == null || report.isEmpty()) {
            return null;
        }
        ReducedSeries r = report.get().instance().series().get(reduced);
        if (r == null) {
            return null;
        }
        Double limit = r.limit() != null && r.limit() > 0 ? r.limit() : label.limit() > 0 ? (double) label.limit() : null;
        return limit == null ? null : Series.of(signal.id(), signal, r.timestampsMs(), r.values(), limit, null, Series.Kind.RAW);
    }

    /**
     * Simulated time from leak start until the signal reaches its limit at the true rate, from the floor at
     * leak start; null when the signal has no limit (threads, classes, native without a container limit).
     */
    static Double exhaustionMillis(RecordedTraces.Label label, TreeMap<Long, Double> heapUsed, long leakStart,
                                   double factor) {
        if (!label.isLeak() || label.limit() <= 0 || label.ratePerSecondInBaseUnit() <= 0) {
            return null;
        }
        double floor = 0;
        if (label.signal().equals("heap")) {
            // The lowest raw heap value in the first simulated 10 minutes of the leak: the live set then.
            floor = heapUsed.subMap(leakStart, true, leakStart + 600_000, true).values().stream()
                    .mapToDouble(Double::doubleValue).min().orElse(0);
        }
        double recordedSeconds = (label.limit() - floor) / label.ratePerSecondInBaseUnit();
        return recordedSeconds * 1000 * factor;
    }

    static Series series(String name, Signal signal, java.util.SortedMap<Long, Double> points, double limit, Series.Kind kind) {
        long[] t = new long[points.size()];
        double[] v = new double[points.size()];
        int i = 0;
        for (Map.Entry<Long, Double> e : points.entrySet()) {
            t[i] = e.getKey();
            v[i++] = e.getValue();
        }
        return Series.of(name, signal, t, v, limit, null, kind);
    }

    static List<String> alsoMoves(String scenario) {
        String json = RecordedTraces.labelJson(scenario);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"alsoMoves\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        List<String> out = new ArrayList<>();
        if (m.find()) {
            for (String s : m.group(1).split(",")) {
                String t = s.trim().replace("\"", "");
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    static void print(List<Outcome> outcomes, double factor) {
        List<String> methods = new ArrayList<>(outcomes.getFirst().firings().keySet());
        System.out.println();
        System.out.println("Per scenario: first firing, simulated minutes after the leak started (healthy: after the trace "
                + "started; any firing is a false positive). '-' = never fired within the trace.");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-26s %-7s %-9s %6s %7s", "scenario", "label",
                "signal", "trace", "TTE"));
        for (String m : methods) {
            header.append(String.format(Locale.ROOT, " %-24s", m));
        }
        header.append(" final verdict");
        System.out.println(header);
        for (Outcome o : outcomes) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-26s %-7s %-9s %5dm %7s",
                    o.label().scenario(), o.label().label(), o.label().signal(), (o.endMillis() - o.startMillis()) / 60_000,
                    o.exhaustionMillis() == null ? "n/a" : String.format(Locale.ROOT, "%.0fm", o.exhaustionMillis() / 60_000)));
            for (String m : methods) {
                Firing f = o.firings().get(m);
                String cell = f.firstMillis() == null ? "-" : String.format(Locale.ROOT, "%.0fm %s",
                        (f.firstMillis() - o.leakStartMillis()) / 60_000.0, f.detail());
                row.append(String.format(Locale.ROOT, " %-24s", cell));
            }
            row.append(" ").append(o.finalVerdict());
            System.out.println(row);
        }
        System.out.println();
        System.out.println("Why LeakWatch fired first (signal, verdict, confidence, slope, growth start after the leak/trace start, message):");
        for (Outcome o : outcomes) {
            Firing f = o.firings().get(LEAKWATCH);
            if (f.firstMillis() != null) {
                System.out.printf(Locale.ROOT, "  %-26s %s%n", o.label().scenario(), f.why());
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Summary (stretch x%.0f): %d leak traces, %d healthy traces%n", factor,
                outcomes.stream().filter(o -> o.label().isLeak()).count(), outcomes.stream().filter(o -> !o.label().isLeak()).count());
        System.out.printf(Locale.ROOT, "%-26s %4s %4s %4s %9s %7s %14s %16s %s%n", "method", "TP", "FN", "FP", "precision",
                "recall", "median delay", "median delay/TTE", "false positives");
        for (String m : methods) {
            int tp = 0;
            int fn = 0;
            int fp = 0;
            List<Double> delays = new ArrayList<>();
            List<Double> shares = new ArrayList<>();
            List<String> fps = new ArrayList<>();
            for (Outcome o : outcomes) {
                Firing f = o.firings().get(m);
                if (o.label().isLeak()) {
                    if (f.firstMillis() == null) {
                        fn++;
                    } else {
                        tp++;
                        double delay = Math.max(0, f.firstMillis() - o.leakStartMillis());
                        delays.add(delay / 60_000);
                        if (o.exhaustionMillis() != null) {
                            shares.add(delay / o.exhaustionMillis());
                        }
                    }
                } else if (f.firstMillis() != null) {
                    fp++;
                    fps.add(o.label().scenario() + "(" + f.detail() + ")");
                }
            }
            System.out.printf(Locale.ROOT, "%-26s %4d %4d %4d %9s %7s %14s %16s %s%n", m, tp, fn, fp,
                    tp + fp == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", (double) tp / (tp + fp)),
                    tp + fn == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", (double) tp / (tp + fn)),
                    delays.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.0f min", median(delays)),
                    shares.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.1f%% (n=%d)", 100 * median(shares), shares.size()),
                    String.join(", ", fps));
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static Duration duration(String text) {
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("duration must end in s, m or h: " + text);
        };
    }
}
