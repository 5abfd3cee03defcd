package io.leakwatch.bench.detection;

import io.leakwatch.analysis.SignalResult;
import io.leakwatch.bench.traces.TraceReplayer;
import io.leakwatch.queryapi.AnalysisService;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.ReducedSeries;
import io.leakwatch.store.ReducedSignal;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.testing.RecordedTraces;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A diagnostic companion of {@link DetectionQualityBench}: replays one scenario the same way and prints, at
 * the given simulated minutes after the trace start, what the instance analysis sees (the reduced series,
 * the reclaiming collections) and what every rule concluded, so a false positive or a miss can be
 * understood from the data the rule judged.
 *
 * <p>Run after a build, from the checkout root:
 * <pre>java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
 *   io.leakwatch.bench.detection.DetectionSeriesDump scenario [minutes,...] [signals=heap_after_gc,native]</pre>
 */
public final class DetectionSeriesDump {

    private DetectionSeriesDump() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        String[] minutes = (args.length > 1 ? args[1] : "40,70,100,140").split(",");
        List<String> signals = List.of((args.length > 2 ? args[2] : "heap_after_gc,heap_used_floor").split(","));
        double factor = 30;
        long end = System.currentTimeMillis() / 3_600_000 * 3_600_000;
        try (Store store = Store.open(StoreConfig.embedded(Files.createTempDirectory("leakwatch-dump"),
                ChdbLibrary.locate()))) {
            DetectionQualityBench.SteppingClock clock = new DetectionQualityBench.SteppingClock();
            AnalysisService service = new AnalysisService(store.signals(), clock,
                    new AnalysisService.Settings(Duration.ZERO, 0, 360, 100));
            String instance = RecordedTraces.label(scenario).instanceId() + "-dump";
            TraceReplayer.Result replay = TraceReplayer.replayDirect(scenario,
                    new TraceReplayer.Options(factor, end, instance, 0), store.writer());
            if (System.getProperty("pools") != null) {
                for (String metric : List.of("jvm.memory.used_after_last_gc", "jvm.memory.used")) {
                    java.util.TreeMap<String, java.util.TreeMap<Long, Double>> byPool = new java.util.TreeMap<>();
                    for (io.leakwatch.store.SeriesPoint p : store.queries().series(instance, metric,
                            Map.of("jvm.memory.type", "heap"), replay.firstMillis() - 60_000, replay.lastMillis() + 60_000, 1_000_000)) {
                        long bucket = (p.timeMillis() - replay.firstMillis()) / (Long.getLong("pools") * 60_000);
                        byPool.computeIfAbsent(p.attributes().getOrDefault("jvm.memory.pool.name", "?"), k -> new java.util.TreeMap<>())
                                .merge(bucket, p.value(), Math::min);
                    }
                    byPool.forEach((pool, mins) -> System.out.printf(Locale.ROOT, "%s %s min per %s min: %s%n", metric, pool,
                            System.getProperty("pools"), mins.values().stream().map(v -> String.format(Locale.ROOT, "%.1f", v / 1e6)).toList()));
                }
            }
            for (String m : minutes) {
                long at = replay.firstMillis() + Long.parseLong(m.trim()) * 60_000;
                clock.set(at);
                Optional<AnalysisService.InstanceReport> report = service.instance(instance, Duration.ofHours(6));
                if (report.isEmpty()) {
                    continue;
                }
                AnalysisService.InstanceReport r = report.get();
                System.out.printf(Locale.ROOT, "=== %s at +%s min (first seen +%.1f min), reclaiming collections at min: %s%n",
                        scenario, m, (r.instance().firstSeenMs() - replay.firstMillis()) / 60_000.0,
                        r.instance().reclaimingCollectionsMs().stream()
                                .map(t -> String.format(Locale.ROOT, "%.0f", (t - replay.firstMillis()) / 60_000.0)).toList());
                for (Map.Entry<ReducedSignal, ReducedSeries> e : r.instance().series().entrySet()) {
                    if (!signals.contains(e.getKey().id())) {
                        continue;
                    }
                    ReducedSeries s = e.getValue();
                    StringBuilder line = new StringBuilder();
                    for (int i = 0; i < s.size(); i++) {
                        line.append(String.format(Locale.ROOT, " %.0f:%.4g", (s.timestampsMs()[i] - replay.firstMillis()) / 60_000.0,
                                s.values()[i]));
                    }
                    System.out.printf(Locale.ROOT, "  %s (limit %s):%s%n", e.getKey().id(), s.limit(), line);
                }
                for (SignalResult res : r.results()) {
                    System.out.printf(Locale.ROOT, "  -> %-9s %-17s c%-3d slope %.4g %s/h since %s: %s%n", res.signal().id(),
                            res.verdict().id(), res.confidence(), res.slopePerHour(), res.unit(),
                            res.sinceMs() == null ? "-" : String.format(Locale.ROOT, "%.0f", (res.sinceMs() - replay.firstMillis()) / 60_000.0),
                            res.message());
                }
            }
        }
    }
}
