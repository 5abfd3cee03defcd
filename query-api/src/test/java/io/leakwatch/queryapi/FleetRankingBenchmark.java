package io.leakwatch.queryapi;

import io.leakwatch.analysis.Signal;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.ClickHouseSignalQueries;
import io.leakwatch.store.InstanceSignals;
import io.leakwatch.store.ServiceInfo;
import io.leakwatch.store.SignalQueries;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The performance target: {@code /api/v1/leaks?window=6h} over 10,000 instances with 24 h of data at
 * 10 s, embedded engine, result cache off, under 2 s warm. The fleet is generated inside the engine
 * ({@link SyntheticFleet}); 1 instance in {@code leakEvery} leaks, and the run fails unless every planted
 * leak is ranked. Prints generation time, cold and warm latencies, the split between engine, result
 * parsing and Java analysis, heap and RSS, and the ratio to the full analysis of every instance (the
 * ranking before screening), measured on the same data.
 *
 * <pre>
 * ./mvnw -B -pl query-api test -Dtest=FleetRankingBenchmark -Dleakwatch.bench=true -Dsurefire.failIfNoSpecifiedTests=false \
 *     [-Dleakwatch.bench.instances=10000] [-Dleakwatch.bench.hours=24] [-Dleakwatch.bench.runs=5] \
 *     [-Dleakwatch.bench.writeHours=24 (newest hours actually written)] [-Dleakwatch.bench.baselineService=svc-0 ('' : none)]
 *     [-Dleakwatch.bench.dir=/tmp/lw-fleet  (kept: a second run skips generation)]
 * </pre>
 */
@EnabledIfSystemProperty(named = "leakwatch.bench", matches = "true")
class FleetRankingBenchmark {

    private static final Duration WINDOW = Duration.ofHours(6);

    @Test
    void rankTenThousandInstances() throws IOException {
        int instances = Integer.getInteger("leakwatch.bench.instances", 10_000);
        int hours = Integer.getInteger("leakwatch.bench.hours", 24);
        int runs = Integer.getInteger("leakwatch.bench.runs", 5);
        int writeHours = Integer.getInteger("leakwatch.bench.writeHours", hours);
        String baselineService = System.getProperty("leakwatch.bench.baselineService", "svc-0");
        SyntheticFleet fleet = new SyntheticFleet(instances, hours * 60, 49, 100, 20);
        String kept = System.getProperty("leakwatch.bench.dir");
        Path dir = kept != null ? Path.of(kept) : Files.createTempDirectory("leakwatch-fleet-bench");
        Path marker = dir.resolve("fleet-" + instances + "x" + hours + "h.start");

        try (Store store = Store.open(StoreConfig.embedded(dir.resolve("data"), ChdbLibrary.locate()))) {
            long startMs;
            if (Files.exists(marker)) {
                startMs = Long.parseLong(Files.readString(marker).strip());
                System.out.printf("reusing the fleet in %s%n", dir);
            } else {
                startMs = (System.currentTimeMillis() / 60_000) * 60_000 - hours * 3_600_000L;
                long g0 = System.nanoTime();
                long rows = fleet.write(store.engine(), startMs, writeHours * 60);
                System.out.printf("generated %,d per-minute rollup rows (%d instances × newest %d h of %d h × 18 series)"
                        + " in %,d ms (and their series and 15-minute floors)%n",
                        rows, instances, writeHours, hours, (System.nanoTime() - g0) / 1_000_000);
                Files.writeString(marker, Long.toString(startMs));
            }
            long endMs = startMs + hours * 3_600_000L;
            Clock clock = Clock.fixed(Instant.ofEpochMilli(endMs), ZoneOffset.UTC);
            TimedEngine engine = new TimedEngine(store.engine());
            TimedQueries queries = new TimedQueries(new ClickHouseSignalQueries(engine));
            AnalysisService service = new AnalysisService(queries, clock,
                    new AnalysisService.Settings(Duration.ZERO, 0, 360, SignalQueries.MAX_INSTANCES));
            Set<String> planted = new TreeSet<>();
            for (int i = 0; i < instances; i++) {
                if (fleet.leaks(i)) {
                    planted.add(SyntheticFleet.instanceId(i));
                }
            }
            System.out.printf("fleet: %d instances, %d planted heap leaks (%s MB/h), window %s, cache off%n",
                    instances, planted.size(), fleet.leakMbPerHour(), AnalysisJson.window(WINDOW));

            Figures now = measure("ranking", runs, engine, queries, () -> service.leaks(null, WINDOW), planted);
            AnalysisService.Ranking full = service.leaks(null, WINDOW);
            int checked = 0;
            for (Suspect s : full.suspects()) {
                if (s.instance() != null && checked < 5) {
                    checked++;
                    var report = service.instance(s.instance(), WINDOW).orElseThrow();
                    var same = report.results().stream().filter(r -> r.signal() == s.signal()).findFirst().orElseThrow();
                    assertThat(same.verdict()).as("instance analysis of %s", s.instance()).isEqualTo(s.verdict());
                    assertThat(same.confidence()).isEqualTo(s.confidence());
                }
            }
            System.out.printf("checked %d ranked instances against /instances/{id}/analysis: same verdicts%n", checked);
            if (!baselineService.isEmpty()) {
                // the unscreened ranking costs ~50x more; it runs on one service of the same data
                Set<String> inService = new TreeSet<>();
                for (int i = 0; i < instances; i++) {
                    if (fleet.leaks(i) && ("svc-" + (i % fleet.services())).equals(baselineService)) {
                        inService.add(SyntheticFleet.instanceId(i));
                    }
                }
                Figures after = measure("ranking of " + baselineService, 2, engine, queries,
                        () -> service.leaks(baselineService, WINDOW), inService);
                Figures before = measure("baseline of " + baselineService + " (full analysis of every instance)", 1,
                        engine, queries, () -> service.leaksWithoutScreening(baselineService, WINDOW), inService);
                System.out.printf("speed-up on %s: cold %.1f×, warm %.1f× (baseline at fleet scale ≈ %,d ms, linear)%n",
                        baselineService, (double) before.coldMs / Math.max(1, after.coldMs),
                        (double) before.coldMs / Math.max(1, after.warmMs), before.coldMs * fleet.services());
            }
            System.out.printf("target: warm ranking under 2000 ms: %s (%d ms)%n", now.warmMs < 2000 ? "met" : "NOT met",
                    now.warmMs);
        }
    }

    private record Figures(long coldMs, long warmMs) {
    }

    private static Figures measure(String name, int runs, TimedEngine engine, TimedQueries queries,
                                   Supplier<AnalysisService.Ranking> rank, Set<String> planted) {
        long cold = 0;
        long best = Long.MAX_VALUE;
        for (int run = 0; run < runs; run++) {
            resetPeaks();
            engine.takeMillis();
            engine.takeBytes();
            queries.takeMillis();
            long t0 = System.nanoTime();
            AnalysisService.Ranking ranking = rank.get();
            long total = (System.nanoTime() - t0) / 1_000_000;
            long sql = engine.takeMillis();
            long store = queries.takeMillis();
            Set<String> found = ranking.suspects().stream()
                    .filter(s -> s.instance() != null && s.signal() == Signal.HEAP && s.verdict().isGrowth())
                    .map(Suspect::instance).collect(Collectors.toCollection(TreeSet::new));
            Set<String> missed = new TreeSet<>(planted);
            missed.removeAll(found);
            Set<String> falseAlarms = new TreeSet<>(found);
            falseAlarms.removeAll(planted);
            long instanceSuspects = ranking.suspects().stream().filter(s -> s.instance() != null).count();
            System.out.printf("%s run %d: %,d ms = engine %,d ms (%,d KB out) + parse %,d ms + analysis %,d ms;"
                            + " %d instances screened, %d candidates, %d analysed (cap %d); %d suspects (%d instance-level), heap leaks"
                            + " found %d/%d, false alarms %d; heap peak %,d MB, RSS %,d MB (peak %,d MB)%n",
                    name, run, total, sql, engine.takeBytes() / 1024, store - sql, total - store,
                    ranking.instancesScreened(), ranking.candidates(), ranking.instancesAnalysed(),
                    ranking.analysisCap(), ranking.suspects().size(),
                    instanceSuspects, found.size() - falseAlarms.size(), planted.size(), falseAlarms.size(),
                    heapPeakMb(), rssMb("VmRSS"), rssMb("VmHWM"));
            assertThat(missed).as("planted leaks missing from the ranking").isEmpty();
            cold = run == 0 ? total : cold;
            best = run == 0 ? best : Math.min(best, total);
        }
        long warm = runs > 1 ? best : cold;
        System.out.printf("%s: cold %,d ms, warm (best of %d) %,d ms%n", name, cold, Math.max(0, runs - 1), warm);
        return new Figures(cold, warm);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long heapPeakMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / (1024 * 1024);
    }

    /** A line of /proc/self/status in MB (the embedded engine lives in this process, so RSS includes it). */
    private static long rssMb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Adds up the time spent in the store's reads (engine plus parsing). */
    private static final class TimedQueries implements SignalQueries {
        private final SignalQueries queries;
        private long nanos;

        TimedQueries(SignalQueries queries) {
            this.queries = queries;
        }

        synchronized long takeMillis() {
            long out = nanos / 1_000_000;
            nanos = 0;
            return out;
        }

        private synchronized void add(long n) {
            nanos += n;
        }

        @Override
        public List<ServiceInfo> services(long fromMillis, long toMillis) {
            return queries.services(fromMillis, toMillis);
        }

        @Override
        public List<ServiceInfo> services(long fromMillis, long toMillis, String environment) {
            return queries.services(fromMillis, toMillis, environment);
        }

        @Override
        public List<Screened> screen(String service, String environment, long fromMillis, long toMillis) {
            long t0 = System.nanoTime();
            try {
                return queries.screen(service, environment, fromMillis, toMillis);
            } finally {
                add(System.nanoTime() - t0);
            }
        }

        @Override
        public List<InstanceSignals> signals(List<String> instances, long fromMillis, long toMillis, long stepMillis) {
            long t0 = System.nanoTime();
            try {
                return queries.signals(instances, fromMillis, toMillis, stepMillis);
            } finally {
                add(System.nanoTime() - t0);
            }
        }

        @Override
        public List<InstanceSignals> signals(String service, String instance, long fromMillis, long toMillis,
                                             long stepMillis, int limit) {
            long t0 = System.nanoTime();
            try {
                return queries.signals(service, instance, fromMillis, toMillis, stepMillis, limit);
            } finally {
                add(System.nanoTime() - t0);
            }
        }
    }
}
