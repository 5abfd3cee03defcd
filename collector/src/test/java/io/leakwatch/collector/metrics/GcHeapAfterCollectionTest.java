package io.leakwatch.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GcHeapAfterCollectionTest {
    private static final Set<String> G1_HEAP = Set.of("G1 Eden Space", "G1 Survivor Space", "G1 Old Gen");

    @Test
    void aRealFullCollectionIsExportedWithHeapAfterAndCountedAsReclaiming() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            List<AutoCloseable> registrations = GcHeapAfterCollection.registerObservers(provider.get("test"));
            assertThat(registrations).hasSize(1);

            System.gc(); // a full collection on every HotSpot collector a test JVM picks
            // GC notifications arrive on the JVM's own thread, after System.gc() returns.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Collection<MetricData> metrics = reader.collectAllMetrics();
                assertThat(points(metrics, "leakwatch.gc.heap.after")).isNotEmpty()
                        .allSatisfy(p -> assertThat(p.getValue()).isPositive());
                assertThat(points(metrics, "leakwatch.gc.heap.before")).isNotEmpty();
                assertThat(points(metrics, "leakwatch.gc.old_gen.after")).isNotEmpty().allSatisfy(p -> {
                    assertThat(p.getValue()).isNotNegative();
                    assertThat(p.getAttributes().get(GcHeapAfterCollection.GC_NAME)).isNotBlank();
                    assertThat(p.getAttributes().get(GcHeapAfterCollection.GC_ACTION)).isNotBlank();
                });
                assertThat(points(metrics, "leakwatch.gc.reclaiming.count")).anySatisfy(p -> assertThat(p.getValue()).isPositive());
                // the one GC listener also gives the semantic-convention duration histogram, in seconds
                MetricData duration = metrics.stream().filter(m -> m.getName().equals("jvm.gc.duration")).findFirst()
                        .orElseThrow();
                assertThat(duration.getUnit()).isEqualTo("s");
                assertThat(duration.getHistogramData().getPoints()).isNotEmpty().allSatisfy(p -> {
                    assertThat(p.getCount()).isPositive();
                    assertThat(p.getBoundaries()).isEqualTo(GcHeapAfterCollection.DURATION_BUCKETS);
                    assertThat(p.getAttributes().get(GcHeapAfterCollection.GC_NAME)).isNotBlank();
                    assertThat(p.getAttributes().get(GcHeapAfterCollection.GC_ACTION)).isNotBlank();
                });
            });

            for (AutoCloseable registration : registrations) {
                registration.close();
                registration.close();
            }
            System.gc();
            assertThat(reader.collectAllMetrics()).noneMatch(m -> m.getName().startsWith("leakwatch.gc."));
        }
    }

    @Test
    void polledCollectorsGiveTheSameSignalsWithExactCounts() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            long countedBefore = collectionsSoFar();
            List<AutoCloseable> registrations = GcHeapAfterCollection.registerObservers(provider.get("test"), 0);

            System.gc();
            System.gc();
            Collection<MetricData> metrics = reader.collectAllMetrics();
            long countedAfter = collectionsSoFar();

            // nothing listens: everything below comes from the tick's reading of the collectors
            assertThat(points(metrics, "leakwatch.collector.gc.notifications")).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isZero());
            List<HistogramPointData> durations = durations(metrics);
            long recorded = durations.stream().mapToLong(HistogramPointData::getCount).sum();
            assertThat(recorded).as("every collection counted once").isBetween(2L, countedAfter - countedBefore);
            assertThat(durations).allSatisfy(p -> assertThat(p.getAttributes().get(GcHeapAfterCollection.GC_ACTION)).isNotBlank());
            assertThat(points(metrics, "leakwatch.gc.heap.after")).isNotEmpty();
            assertThat(points(metrics, "leakwatch.gc.old_gen.after")).isNotEmpty();
            assertThat(points(metrics, "leakwatch.gc.reclaiming.count").stream().mapToLong(LongPointData::getValue).sum())
                    .as("both full collections reclaimed the old generation").isGreaterThanOrEqualTo(2);

            // a tick with no new collection records nothing more (cumulative counts stay put)
            long again = durations(reader.collectAllMetrics()).stream().mapToLong(HistogramPointData::getCount).sum();
            assertThat(again).isBetween(recorded, recorded + (collectionsSoFar() - countedAfter));
            for (AutoCloseable registration : registrations) {
                registration.close();
            }
        }
    }

    @Test
    void aGcStormSwitchesToPollingAndACalmTickBackToListening() throws Exception {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            List<AutoCloseable> registrations = GcHeapAfterCollection.registerObservers(provider.get("test"), 1);
            GcHeapAfterCollection gc = (GcHeapAfterCollection) registrations.getFirst();
            assertThat(gc.isListening()).isTrue();

            for (int i = 0; i < 5; i++) {
                System.gc(); // five collections within a tick far shorter than five seconds
            }
            reader.collectAllMetrics();
            assertThat(gc.isListening()).isFalse();

            // the next tick that sees no collection (rate 0, under half the budget) listens again
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Collection<MetricData> metrics = reader.collectAllMetrics();
                assertThat(points(metrics, "leakwatch.collector.gc.notifications")).singleElement()
                        .satisfies(p -> assertThat(p.getValue()).isOne());
            });
            assertThat(gc.isListening()).isTrue();
            gc.close();
            assertThat(gc.isListening()).isFalse();
        }
    }

    private static long collectionsSoFar() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(c -> c > 0).sum();
    }

    private static List<HistogramPointData> durations(Collection<MetricData> metrics) {
        return metrics.stream().filter(m -> m.getName().equals("jvm.gc.duration"))
                .flatMap(m -> m.getHistogramData().getPoints().stream()).toList();
    }

    @Test
    void aG1YoungCollectionGivesHeapAfterButOnlyAMixedOneGivesOldGenEvidence() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            GcHeapAfterCollection gc = new GcHeapAfterCollection(G1_HEAP);
            gc.expectCollector("G1 Young Generation");
            gc.expectCollector("G1 Old Generation");
            gc.registerInstruments(provider.get("test"));

            // young-only: promotion grows the old generation
            gc.onCollection("G1 Young Generation", "end of minor GC",
                    g1(100, 10, 500, "Metaspace", 40), g1(0, 12, 520, "Metaspace", 40));
            Collection<MetricData> afterYoung = reader.collectAllMetrics();
            assertThat(points(afterYoung, "leakwatch.gc.heap.before")).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(610));
            assertThat(points(afterYoung, "leakwatch.gc.heap.after")).singleElement().satisfies(p -> {
                assertThat(p.getValue()).as("heap pools only, not Metaspace").isEqualTo(532);
                assertThat(p.getAttributes()).isEqualTo(Attributes.of(GcHeapAfterCollection.GC_NAME, "G1 Young Generation",
                        GcHeapAfterCollection.GC_ACTION, "end of minor GC"));
            });
            assertThat(points(afterYoung, "leakwatch.gc.old_gen.after")).isEmpty();
            assertThat(points(afterYoung, "leakwatch.gc.reclaiming.count")).hasSize(2)
                    .allSatisfy(p -> assertThat(p.getValue()).isZero());

            // mixed: old regions collected, the old generation shrinks
            gc.onCollection("G1 Young Generation", "end of minor GC",
                    g1(100, 12, 520, "Metaspace", 40), g1(0, 8, 300, "Metaspace", 40));
            Collection<MetricData> afterMixed = reader.collectAllMetrics();
            assertThat(points(afterMixed, "leakwatch.gc.old_gen.after")).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(300));
            assertThat(count(afterMixed, "G1 Young Generation")).isEqualTo(1);
            assertThat(count(afterMixed, "G1 Old Generation")).isZero();
            assertThat(points(afterMixed, "leakwatch.gc.heap.after")).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).as("the last collection wins").isEqualTo(308));
        }
    }

    @Test
    void aOnePoolHeapStandsForItsOldGeneration() {
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
            GcHeapAfterCollection gc = new GcHeapAfterCollection(Set.of("ZHeap"));
            gc.registerInstruments(provider.get("test"));

            // pauses carry zero usage: skipped, or they would report an empty heap
            gc.onCollection("ZGC Pauses", "end of GC pause", Map.of("ZHeap", usage(0)), Map.of("ZHeap", usage(0)));
            gc.onCollection("ZGC Cycles", "end of GC cycle", Map.of("ZHeap", usage(900)), Map.of("ZHeap", usage(250)));
            gc.onCollection("ZGC Cycles", "end of GC cycle", null, Map.of()); // skipped, not thrown

            Collection<MetricData> metrics = reader.collectAllMetrics();
            assertThat(points(metrics, "leakwatch.gc.heap.after")).singleElement().satisfies(p ->
                    assertThat(p.getAttributes().get(GcHeapAfterCollection.GC_NAME)).isEqualTo("ZGC Cycles"));
            assertThat(points(metrics, "leakwatch.gc.old_gen.after")).singleElement()
                    .satisfies(p -> assertThat(p.getValue()).isEqualTo(250));
            assertThat(count(metrics, "ZGC Cycles")).isEqualTo(1);
        }
    }

    private static Map<String, MemoryUsage> g1(long eden, long survivor, long old, String nonHeap, long nonHeapUsed) {
        return Map.of("G1 Eden Space", usage(eden), "G1 Survivor Space", usage(survivor), "G1 Old Gen", usage(old),
                nonHeap, usage(nonHeapUsed));
    }

    private static MemoryUsage usage(long used) {
        return new MemoryUsage(0, used, Math.max(used, 1), -1);
    }

    private static long count(Collection<MetricData> metrics, String gcName) {
        return points(metrics, "leakwatch.gc.reclaiming.count").stream()
                .filter(p -> gcName.equals(p.getAttributes().get(GcHeapAfterCollection.GC_NAME)))
                .mapToLong(LongPointData::getValue).sum();
    }

    static List<LongPointData> points(Collection<MetricData> metrics, String name) {
        return metrics.stream().filter(m -> m.getName().equals(name))
                .flatMap(m -> switch (m.getType()) {
                    case LONG_GAUGE -> m.getLongGaugeData().getPoints().stream();
                    case LONG_SUM -> m.getLongSumData().getPoints().stream();
                    default -> throw new AssertionError(name + " is " + m.getType());
                }).map(LongPointData.class::cast).toList();
    }
}
