package io.leakwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each leak, run briefly at a high rate in this JVM: the signal it claims to move must move up. */
class LeakScenariosTest {
    private static final long MIB = 1024 * 1024;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private final StartedScenarios scenarios = new StartedScenarios();

    @AfterEach
    void stopScenarios() {
        scenarios.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"static-map", "unique-id-cache", "listener-registry", "captured-handler",
            "pooled-threadlocal", "pool-error-path", "slow-leak-big-sawtooth"})
    void heapLeakKeepsGrowingAndCloseReleasesIt(String name) {
        Map<String, String> args = name.equals("slow-leak-big-sawtooth")
                ? Map.of("rate", "4096", "garbage-mb-per-s", "2", "limit", "4096", "period", "1s")
                : Map.of("rate", "4096", "garbage-mb-per-s", "2");
        RunningScenario run = scenarios.start(name, args);

        await().atMost(PATIENCE).until(run::retained, retained -> retained >= 2 * MIB);
        long first = run.retained();
        await().atMost(PATIENCE).until(run::retained, retained -> retained >= first + 2 * MIB);

        run.close();
        assertThat(run.retained()).isZero();
    }

    @Test
    void threadPerTaskGrowsTheThreadCountAndCloseEndsThem() {
        var threads = ManagementFactory.getThreadMXBean();
        int before = threads.getThreadCount();
        RunningScenario run = scenarios.start("thread-per-task", Map.of("rate", "100", "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).until(threads::getThreadCount, count -> count >= before + 40);
        assertThat(run.retained()).isGreaterThanOrEqualTo(38);

        run.close();
        assertThat(run.retained()).isZero();
        await().atMost(PATIENCE).until(threads::getThreadCount, count -> count <= before + 3);
    }

    @Test
    void unclosedStreamsPileUpFileDescriptorsAndCloseDeletesItsFiles() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "needs /proc (Linux)");
        long before = count(fds);
        long tempDirsBefore = scenarioTempDirs();
        RunningScenario run = scenarios.start("unclosed-streams", Map.of("rate", "200", "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).until(() -> count(fds), open -> open >= before + 100);
        assertThat(scenarioTempDirs()).isEqualTo(tempDirsBefore + 1);

        run.close();
        await().atMost(PATIENCE).until(() -> count(fds), open -> open <= before + 5);
        assertThat(scenarioTempDirs()).isEqualTo(tempDirsBefore);
    }

    @Test
    void directBuffersGrowTheDirectPool() {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        long before = direct.getMemoryUsed();
        RunningScenario run = scenarios.start("direct-buffers", Map.of("rate", "16384", "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).until(direct::getMemoryUsed, used -> used >= before + 16 * MIB);
        assertThat(run.retained()).isGreaterThanOrEqualTo(16 * MIB);
    }

    @Test
    void classLoaderRedeployGrowsLoadedClassesAndMetaspace() {
        var classes = ManagementFactory.getClassLoadingMXBean();
        MemoryPoolMXBean metaspace = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().equals("Metaspace")).findFirst().orElseThrow();
        int loadedBefore = classes.getLoadedClassCount();
        long metaspaceBefore = metaspace.getUsage().getUsed();
        RunningScenario run = scenarios.start("classloader-redeploy", Map.of("rate", "500", "garbage-mb-per-s", "1"));

        await().atMost(PATIENCE).until(classes::getLoadedClassCount, loaded -> loaded >= loadedBefore + 400);
        await().atMost(PATIENCE).until(() -> metaspace.getUsage().getUsed(), used -> used >= metaspaceBefore + MIB / 2);
        assertThat(run.retained()).isGreaterThanOrEqualTo(400);
    }

    @Test
    void leakAfterDeployStaysFlatUntilTheDeployThenGrows() {
        long started = System.nanoTime();
        RunningScenario run = scenarios.start("leak-after-deploy",
                Map.of("rate", "8192", "deploy-at", "1500ms", "garbage-mb-per-s", "1"));
        assertThat(run.retained()).isZero();

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(run::retained, retained -> retained > 0);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        await().atMost(PATIENCE).until(run::retained, retained -> retained >= 4 * MIB);
    }

    private static long count(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.count();
        }
    }

    private static long scenarioTempDirs() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(path -> path.getFileName().toString().startsWith("leakwatch-unclosed-streams-")).count();
        }
    }
}
