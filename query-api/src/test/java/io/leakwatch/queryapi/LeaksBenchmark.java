package io.leakwatch.queryapi;

import io.leakwatch.store.SyntheticJvm;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.ClickHouseSignalQueries;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.SignalQueries;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Times the fleet ranking over N synthetic instances × 6 h of 10 s scrapes in the embedded store. Off by
 * default; run with {@code ./mvnw -pl query-api test -Dtest=LeaksBenchmark -Dleakwatch.bench=true
 * [-Dleakwatch.bench.instances=200]}. Prints write time, the store's reduction time and the full ranking.
 */
@EnabledIfSystemProperty(named = "leakwatch.bench", matches = "true")
class LeaksBenchmark {

    @TempDir
    Path dir;

    @Test
    void rankFleet() {
        int instances = Integer.getInteger("leakwatch.bench.instances", 200);
        int scrapes = 6 * 360;
        long start = (System.currentTimeMillis() / 60_000) * 60_000 - scrapes * 10_000L - 60_000;
        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            long t0 = System.nanoTime();
            long rows = 0;
            for (int i = 0; i < instances; i++) {
                double leak = i % 10 == 0 ? 50 * SyntheticJvm.MB : 0;
                List<MetricRow> batch = new ArrayList<>(new SyntheticJvm("svc-" + (i % 5), "1." + (i % 2),
                        "inst-" + i, leak).rows(start, scrapes));
                store.writer().write(batch, null);
                rows += batch.size();
            }
            long writeMs = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("wrote %d rows for %d instances in %d ms%n", rows, instances, writeMs);

            SignalQueries queries = new ClickHouseSignalQueries(store.engine());
            AnalysisService service = new AnalysisService(queries, Clock.systemUTC(),
                    new AnalysisService.Settings(Duration.ZERO, 0, 360, SignalQueries.MAX_INSTANCES));
            for (int run = 0; run < 4; run++) {
                long q0 = System.nanoTime();
                int got = queries.signals(null, null, System.currentTimeMillis() - 6 * 3_600_000L,
                        System.currentTimeMillis(), 60_000, SignalQueries.MAX_INSTANCES).size();
                long queryMs = (System.nanoTime() - q0) / 1_000_000;
                long r0 = System.nanoTime();
                AnalysisService.Ranking ranking = service.leaks(null, Duration.ofHours(6));
                long rankMs = (System.nanoTime() - r0) / 1_000_000;
                long leaks = ranking.suspects().stream().filter(s -> s.instance() != null).count();
                System.out.printf("run %d: store reduction %d ms (%d instances); full ranking %d ms, %d suspects"
                        + " (%d instance-level)%n", run, queryMs, got, rankMs, ranking.suspects().size(), leaks);
                assertThat(ranking.instancesAnalysed()).isEqualTo(instances);
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("java heap used %d MB%n", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
        }
    }
}
