package io.leakwatch.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GcCollectorsTest {
    @ParameterizedTest(name = "{0} (generational heap {1}) / {2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            G1 Old Generation   | true  | end of major GC  | true
            PS MarkSweep        | true  | end of major GC  | true
            MarkSweepCompact    | true  | end of major GC  | true
            ZGC Cycles          | false | end of GC cycle  | true
            ZGC Major Cycles    | true  | end of GC cycle  | true
            Shenandoah Cycles   | false | end of GC cycle  | true
            PS Scavenge         | true  | end of minor GC  | false
            Copy                | true  | end of minor GC  | false
            ZGC Minor Cycles    | true  | end of GC cycle  | false
            ZGC Major Pauses    | true  | end of GC pause  | false
            ZGC Pauses          | true  | end of GC pause  | false
            Shenandoah Pauses   | false | Final Mark       | false
            Some Future GC      | true  | end of major GC  | true
            """)
    void knowsWhichCollectorsReclaimTheOldGenerationWhateverItsUsageDid(String gc, boolean generationalHeap, String action,
            boolean reclaims) {
        assertThat(GcCollectors.reclaimsOldGen(gc, action, generationalHeap, 100, 200)).isEqualTo(reclaims);
    }

    @Test
    void aG1YoungCollectionCountsOnlyWhenItShrankTheOldGenerationAsAMixedOneDoes() {
        assertThat(GcCollectors.reclaimsOldGen("G1 Young Generation", "end of minor GC", true, 500, 300)).isTrue();
        assertThat(GcCollectors.reclaimsOldGen("G1 Young Generation", "end of minor GC", true, 500, 520)).isFalse();
        assertThat(GcCollectors.reclaimsOldGen("G1 Young Generation", "end of minor GC", true, 500, 500)).isFalse();
        assertThat(GcCollectors.reclaimsOldGen("G1 Concurrent GC", "end of concurrent GC pause", true, 500, 100)).isTrue();
        assertThat(GcCollectors.reclaimsOldGen("Some Future GC", "end of minor GC", true, 500, 100)).isTrue();
        assertThat(GcCollectors.reclaimsOldGen("Some Future GC", "end of minor GC", true, -1, 100)).isFalse();
    }

    @Test
    void aShenandoahCycleIsWholeHeapEvidenceUnlessTheHeapIsGenerational() {
        assertThat(GcCollectors.reclaimsOldGen("Shenandoah Cycles", "end of GC cycle", false, 100, 200)).isTrue();
        assertThat(GcCollectors.reclaimsOldGen("Shenandoah Cycles", "end of GC cycle", true, 100, 200)).isFalse();
        assertThat(GcCollectors.reclaimsOldGen("Shenandoah Cycles", "end of GC cycle", true, 200, 100)).isTrue();
    }

    @Test
    void namesTheOldGenerationPoolOfEachGenerationalCollector() {
        assertThat(GcCollectors.isOldGenPool("G1 Old Gen")).isTrue();
        assertThat(GcCollectors.isOldGenPool("PS Old Gen")).isTrue();
        assertThat(GcCollectors.isOldGenPool("Tenured Gen")).isTrue();
        assertThat(GcCollectors.isOldGenPool("ZGC Old Generation")).isTrue();
        assertThat(GcCollectors.isOldGenPool("Shenandoah Old Gen")).isTrue();
        assertThat(GcCollectors.isOldGenPool("G1 Eden Space")).isFalse();
        assertThat(GcCollectors.isOldGenPool("ZHeap")).isFalse();
    }
}
