package io.leakwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The look-alikes, run briefly at a high rate: they grow, then stop at their bound or give it all back. */
class HealthyScenariosTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final StartedScenarios scenarios = new StartedScenarios();

    @AfterEach
    void stopScenarios() {
        scenarios.close();
    }

    @Test
    void boundedCacheStopsGrowingAtItsBoundButKeepsInserting() {
        RunningScenario run = scenarios.start("bounded-lru-cache",
                Map.of("rate", "8192", "limit", "512", "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).until(run::retained, retained -> retained == 512 * KIB);
        long inserted = run.operations();
        await().atMost(PATIENCE).during(Duration.ofSeconds(1)).until(run::retained, retained -> retained <= 512 * KIB);
        assertThat(run.operations()).isGreaterThan(inserted + 1024);
    }

    @Test
    void poolStopsGrowingAtItsMaximum() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        RunningScenario run = scenarios.start("pool-grows-to-max", Map.of("rate", "50", "limit", "6",
                "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).until(run::retained, size -> size == 6);
        long tasks = run.operations();
        await().atMost(PATIENCE).during(Duration.ofSeconds(1)).until(run::retained, size -> size == 6);
        assertThat(run.operations()).isGreaterThan(tasks + 20);
        // Six workers plus the scenario's two scheduler threads, and nothing more.
        assertThat(threads.getThreadCount()).isLessThanOrEqualTo(before + 8);
    }

    @Test
    void batchAccumulatesThenReleasesEverything() {
        RunningScenario run = scenarios.start("batch-accumulate-release",
                Map.of("rate", "2048", "period", "1s", "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).until(run::retained, retained -> retained >= 3 * MIB / 2);
        // One tick adds about 205 KiB, so right after a flush the batch is below 256 KiB.
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5)).until(run::retained, retained -> retained < 256 * KIB);
        await().atMost(PATIENCE).during(Duration.ofSeconds(2)).until(run::retained, retained -> retained <= 5 * MIB / 2);
    }

    @Test
    void trafficWaveRisesAndFallsWithinItsLimit() {
        AtomicLong peak = new AtomicLong();
        RunningScenario run = scenarios.start("traffic-wave",
                Map.of("rate", "1024", "limit", "4096", "period", "2s", "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> record(peak, run.retained()), retained -> retained >= 3 * MIB);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> record(peak, run.retained()), retained -> retained <= MIB);
        assertThat(peak.get()).isLessThanOrEqualTo(4 * MIB);
    }

    @Test
    void lazyClassLoadingLoadsItsPluginsThenNothingMore() {
        var classes = java.lang.management.ManagementFactory.getClassLoadingMXBean();
        long loadedBefore = classes.getTotalLoadedClassCount();
        RunningScenario run = scenarios.start("lazy-class-loading", Map.of("rate", "200", "limit", "40",
                "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).until(run::retained, loaded -> loaded == 40);
        assertThat(classes.getTotalLoadedClassCount()).isGreaterThanOrEqualTo(loadedBefore + 40);
        await().atMost(PATIENCE).during(Duration.ofSeconds(1)).until(run::operations, loads -> loads == 40);
    }

    @Test
    void committedHeapCanGrowWhileTheLiveSetStaysFlat() {
        RunningScenario run = scenarios.start("committed-grows-live-flat",
                Map.of("rate", "65536", "limit", "32768", "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).during(Duration.ofMillis(500)).until(run::retained, live -> live == 8 * MIB);
        // Transient export chunks (1 MiB each) keep being allocated and dropped: two full 32 MiB exports.
        await().atMost(PATIENCE).until(run::operations, chunks -> chunks >= 64);
        assertThat(run.retained()).isEqualTo(8 * MIB);
    }

    private static long record(AtomicLong peak, long value) {
        peak.accumulateAndGet(value, Math::max);
        return value;
    }
}
