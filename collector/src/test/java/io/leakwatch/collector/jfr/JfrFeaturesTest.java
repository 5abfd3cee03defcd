package io.leakwatch.collector.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrFeaturesTest {
    @Test
    void thisJvmHasEveryFeature() {
        JfrFeatures features = JfrFeatures.probe(true);
        assertThat(features.on(JfrFeatures.LEAK_RECORDINGS)).isTrue();
        assertThat(features.on(JfrFeatures.ALLOCATION_SAMPLES)).isTrue();
        assertThat(features.on(JfrFeatures.GC_SUMMARIES)).isTrue();
    }

    @Test
    void availabilityExpectsEveryFeatureUntilTheProbeConfirmsThem() {
        JfrFeatures expected = JfrFeatures.available(true);
        assertThat(expected.confirmed()).isFalse();
        assertThat(expected.states().values()).allSatisfy(s -> assertThat(s.on()).isTrue());
        assertThat(JfrFeatures.probe(true).confirmed()).isTrue();
        assertThat(JfrFeatures.available(false).confirmed()).isTrue();
    }

    @Test
    void availabilityLeavesJfrUnstartedWhileTheProbeStartsIt() throws Exception {
        List<String> available = childThreads("available");
        List<String> probed = childThreads("probe");
        assertThat(probed).as("the probe starts JFR, so the check below can see it").anyMatch(n -> n.startsWith("JFR"));
        assertThat(available).isNotEmpty().noneMatch(n -> n.startsWith("JFR"));
    }

    /** The thread names a fresh JVM has after {@link JfrStartProbe} with {@code mode}. */
    private static List<String> childThreads(String mode) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), JfrStartProbe.class.getName(), mode)
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("THREAD ")).map(l -> l.substring(7)).toList();
    }

    @Test
    void aMissingEventSwitchesItsFeatureOffWithTheReason() {
        JfrFeatures noOldObjects = JfrFeatures.of(Set.of("jdk.ObjectAllocationSample", "jdk.GarbageCollection",
                "jdk.GCHeapSummary"));
        assertThat(noOldObjects.states().get(JfrFeatures.LEAK_RECORDINGS))
                .isEqualTo(new JfrFeatures.State(false, "event jdk.OldObjectSample is missing"));
        assertThat(noOldObjects.on(JfrFeatures.ALLOCATION_SAMPLES)).isFalse();

        JfrFeatures jdk15 = JfrFeatures.of(Set.of("jdk.OldObjectSample", "jdk.GarbageCollection", "jdk.GCHeapSummary"));
        assertThat(jdk15.on(JfrFeatures.LEAK_RECORDINGS)).isTrue();
        assertThat(jdk15.states().get(JfrFeatures.ALLOCATION_SAMPLES).reason())
                .isEqualTo("event jdk.ObjectAllocationSample is missing");
        assertThat(jdk15.on(JfrFeatures.GC_SUMMARIES)).isTrue();
    }

    @Test
    void switchedOffByConfiguration() {
        assertThat(JfrFeatures.probe(false).states().values()).allSatisfy(s -> {
            assertThat(s.on()).isFalse();
            assertThat(s.reason()).contains("jfr.enabled=false");
        });
    }

    @Test
    void gzipGivesUpPastTheBound(@TempDir Path dir) throws Exception {
        byte[] random = new byte[200_000];
        new Random(1).nextBytes(random);
        Path file = Files.write(dir.resolve("r.jfr"), random);
        assertThat(LeakRecorder.gzip(file, 100_000)).isNull();
        assertThat(LeakRecorder.gzip(file, 300_000)).isNotNull().hasSizeGreaterThan(190_000);
    }
}
