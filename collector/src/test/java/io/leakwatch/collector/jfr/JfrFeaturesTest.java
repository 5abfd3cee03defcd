package io.leakwatch.collector.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
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
