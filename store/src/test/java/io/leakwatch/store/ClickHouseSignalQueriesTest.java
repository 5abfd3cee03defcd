package io.leakwatch.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClickHouseSignalQueriesTest {
    private static final double MB = SyntheticJvm.MB;
    /** Three hours before the last whole hour: inside the TTL, fully in the past. */
    private static final long START = (System.currentTimeMillis() / 3_600_000L - 4) * 3_600_000L;
    private static final long END = START + 3 * 3_600_000L;

    @TempDir
    static Path dir;
    Store store;
    SignalQueries queries;

    @BeforeAll
    void open() {
        store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
        queries = new ClickHouseSignalQueries(store.engine());
        store.writer().write(new SyntheticJvm("checkout", "1.0", "leaky", 50 * MB).rows(START, 1080), null);
        store.writer().write(new SyntheticJvm("checkout", "1.0", "healthy", 0).rows(START, 1080), null);
        // cart-1 runs 2.0 for its first hour, then 2.1
        store.writer().write(new SyntheticJvm("cart", "2.0", "cart-1", 0).rows(START, 360), null);
        store.writer().write(new SyntheticJvm("cart", "2.1", "cart-1", 0).rows(START + 3_600_000L, 720), null);
    }

    @Test
    void theAgentsReclaimingCollectionCountIsEvidenceToo() {
        // Only heap used and the agent's counter: a count that steps up every 20 minutes, flat in between.
        List<MetricRow> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 360; i++) {
            long t = START + i * 10_000L * 3;
            rows.add(MetricRow.scalar(t, "billing", "1.0", "billing-1", "jvm.memory.used", "By", MetricKind.GAUGE,
                    java.util.Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", "G1 Old Gen"), 100 * MB));
            rows.add(new MetricRow(t, START, "billing", "1.0", "billing-1", "", "", java.util.Map.of(),
                    "leakwatch.gc.reclaiming.count", "{collection}", MetricKind.SUM, true, false,
                    java.util.Map.of("jvm.gc.name", "G1 Young Generation"), i / 40, 0, Double.NaN, Double.NaN,
                    List.of(), List.of()));
        }
        store.writer().write(rows, null);

        InstanceSignals billing = queries.signals("billing", "billing-1", START, END, 60_000L, 10).getFirst();

        assertThat(billing.reclaimingCollectionsMs()).hasSize(8);
    }

    @Test
    void attributeSetsFirstSeenAfterAnEarlierQueryAreClassifiedToo() {
        // The reduction remembers which attribute sets are heap, old-gen or Metaspace pools; a JVM with pools
        // never seen before (Parallel GC here, the others run G1) must still have its heap and old gen read.
        SignalQueries fresh = new ClickHouseSignalQueries(store.engine());
        assertThat(fresh.signals(List.of("leaky"), START, END, 60_000L).getFirst().series())
                .containsKey(ReducedSignal.HEAP_AFTER_GC);
        long base = START - 3 * 3_600_000L;
        List<MetricRow> rows = new java.util.ArrayList<>();
        for (int m = 0; m < 30; m++) {
            long t = base + m * 60_000L;
            rows.add(MetricRow.scalar(t, "batch", "1.0", "parallel-1", "jvm.memory.used", "By", MetricKind.GAUGE,
                    java.util.Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", "PS Old Gen"), 100 * MB));
            rows.add(MetricRow.scalar(t, "batch", "1.0", "parallel-1", "jvm.memory.used", "By", MetricKind.GAUGE,
                    java.util.Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", "PS Eden Space"), 10 * MB));
            rows.add(MetricRow.scalar(t, "batch", "1.0", "parallel-1", "jvm.memory.used", "By", MetricKind.GAUGE,
                    java.util.Map.of("jvm.memory.type", "non_heap", "jvm.memory.pool.name", "Metaspace"), 30 * MB));
            rows.add(MetricRow.scalar(t, "batch", "1.0", "parallel-1", "jvm.memory.used_after_last_gc", "By",
                    MetricKind.GAUGE, java.util.Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", "PS Old Gen"),
                    80 * MB));
            rows.add(MetricRow.scalar(t, "batch", "1.0", "parallel-1", "jvm.memory.limit", "By", MetricKind.GAUGE,
                    java.util.Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", "PS Old Gen"), 500 * MB));
        }
        store.writer().write(rows, null);

        InstanceSignals batch = fresh.signals(List.of("parallel-1"), base, base + 1_800_000L, 60_000L).getFirst();

        assertThat(batch.series().get(ReducedSignal.HEAP_USED_FLOOR).values()).containsOnly(110 * MB);
        assertThat(batch.series().get(ReducedSignal.HEAP_AFTER_GC).values()).containsOnly(80 * MB);
        assertThat(batch.series().get(ReducedSignal.HEAP_AFTER_GC).limit()).isEqualTo(500 * MB);
        assertThat(batch.series().get(ReducedSignal.METASPACE).values()).containsOnly(30 * MB);
        assertThat(fresh.signals(null, "parallel-1", base, base + 1_800_000L, 60_000L, 1)).singleElement()
                .satisfies(alone -> assertThat(alone.series().get(ReducedSignal.HEAP_AFTER_GC).values())
                        .containsExactly(batch.series().get(ReducedSignal.HEAP_AFTER_GC).values()));
    }

    @Test
    void aSignalMissingInSomeBucketsKeepsEachValueOnItsOwnBucket() {
        // Heap used every minute; the old pool's after-GC value only in every third minute, equal to the minute.
        // Two hours before the other tests' data, so their service listings do not see it.
        long base = START - 2 * 3_600_000L;
        List<MetricRow> rows = new java.util.ArrayList<>();
        for (int m = 0; m < 30; m++) {
            long t = base + m * 60_000L;
            rows.add(MetricRow.scalar(t, "gaps", "1.0", "gaps-1", "jvm.memory.used", "By", MetricKind.GAUGE,
                    java.util.Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", "G1 Old Gen"), 100 * MB));
            if (m % 3 == 0) {
                rows.add(MetricRow.scalar(t, "gaps", "1.0", "gaps-1", "jvm.memory.used_after_last_gc", "By",
                        MetricKind.GAUGE, java.util.Map.of("jvm.memory.type", "heap",
                                "jvm.memory.pool.name", "G1 Old Gen"), m));
            }
        }
        store.writer().write(rows, null);

        ReducedSeries afterGc = queries.signals("gaps", "gaps-1", base, base + 3_600_000L, 60_000L, 1).getFirst()
                .series().get(ReducedSignal.HEAP_AFTER_GC);

        assertThat(afterGc.timestampsMs()).hasSize(10);
        for (int i = 0; i < afterGc.timestampsMs().length; i++) {
            assertThat(afterGc.values()[i]).as("value at %d", afterGc.timestampsMs()[i])
                    .isEqualTo((afterGc.timestampsMs()[i] - base) / 60_000d);
        }
    }

    @Test
    void theScreenClearsFlatFloorsAndKeepsTheGrowingOne() {
        List<SignalQueries.Screened> screened = queries.screen("checkout", null, START, END);

        assertThat(screened).extracting(SignalQueries.Screened::instance).containsExactly("healthy", "leaky");
        SignalQueries.Screened healthy = screened.getFirst();
        SignalQueries.Screened leaky = screened.get(1);
        // 50 MB/h over 3 h on a ~270 MB old-gen floor
        assertThat(leaky.growth()).isGreaterThan(0.2);
        assertThat(healthy.growth()).isLessThan(0.01);
        assertThat(leaky.service()).isEqualTo("checkout");
        assertThat(leaky.version()).isEqualTo("1.0");
        assertThat(leaky.present()).contains(ReducedSignal.HEAP_USED_FLOOR, ReducedSignal.HEAP_AFTER_GC,
                ReducedSignal.THREADS, ReducedSignal.FDS, ReducedSignal.NATIVE).doesNotContain(ReducedSignal.GC_SHARE);
    }

    @Test
    void theScreenTakesEachBucketsLowestFloorWhenPartsAreNotMergedYet() {
        List<MetricRow> first = new java.util.ArrayList<>();
        List<MetricRow> higher = new java.util.ArrayList<>();
        for (int m = 0; m < 180; m++) {
            long t = START + m * 60_000L;
            for (String id : List.of("dup-1", "single-1")) {
                first.add(MetricRow.scalar(t, "dups", "1.0", id, "jvm.thread.count", "{thread}", MetricKind.GAUGE,
                        java.util.Map.of(), 100 + m / 10.0));
            }
            higher.add(MetricRow.scalar(t, "dups", "1.0", "dup-1", "jvm.thread.count", "{thread}", MetricKind.GAUGE,
                    java.util.Map.of(), 150 + m / 10.0));
        }
        store.writer().write(first, null);
        store.writer().write(higher, null); // a second part holding the same 15-minute buckets, higher floors

        List<SignalQueries.Screened> screened = queries.screen("dups", null, START, END);

        assertThat(screened).extracting(SignalQueries.Screened::instance).containsExactly("dup-1", "single-1");
        assertThat(screened.getFirst().growth()).isGreaterThan(0.1).isEqualTo(screened.get(1).growth());
    }

    @Test
    void signalsOfSeveralInstancesAreEachInstancesOwnSignals() {
        List<InstanceSignals> batch = queries.signals(List.of("leaky", "healthy", "nobody"), START, END, 60_000L);

        assertThat(batch).extracting(InstanceSignals::instance).containsExactly("healthy", "leaky");
        for (InstanceSignals s : batch) {
            InstanceSignals alone = queries.signals(null, s.instance(), START, END, 60_000L, 1).getFirst();
            assertThat(s.series().keySet()).isEqualTo(alone.series().keySet());
            s.series().forEach((signal, series) -> {
                assertThat(series.timestampsMs()).isEqualTo(alone.series().get(signal).timestampsMs());
                // sums of floats in the engine may add in another order: equal to the last bits
                double[] expected = alone.series().get(signal).values();
                double[] actual = series.values();
                assertThat(actual).hasSameSizeAs(expected);
                for (int i = 0; i < actual.length; i++) {
                    assertThat(actual[i]).isCloseTo(expected[i], within(Math.abs(expected[i]) * 1e-9 + 1e-12));
                }
            });
            assertThat(s.reclaimingCollectionsMs()).isEqualTo(alone.reclaimingCollectionsMs());
            assertThat(s.heapMaxBytes()).isEqualTo(alone.heapMaxBytes());
        }
    }

    @Test
    void afterAScreenTheBatchTakesTheScreensIdentitiesAndGivesTheSameInstances() {
        List<String> ids = List.of("cart-1", "healthy", "leaky");
        List<InstanceSignals> unscreened = new ClickHouseSignalQueries(store.engine()).signals(ids, START, END, 60_000L);
        ClickHouseSignalQueries screening = new ClickHouseSignalQueries(store.engine());
        assertThat(screening.screen(null, null, START, END)).extracting(SignalQueries.Screened::instance).containsAll(ids);

        List<InstanceSignals> afterScreen = screening.signals(ids, START, END, 60_000L);

        assertThat(afterScreen).extracting(InstanceSignals::instance).containsExactlyElementsOf(ids);
        for (int i = 0; i < ids.size(); i++) {
            InstanceSignals a = afterScreen.get(i);
            InstanceSignals b = unscreened.get(i);
            assertThat(List.of(a.service(), a.version(), a.environment(), a.firstSeenMs(), a.lastSeenMs(),
                    a.versionChangesMs(), a.series().keySet()))
                    .isEqualTo(List.of(b.service(), b.version(), b.environment(), b.firstSeenMs(), b.lastSeenMs(),
                            b.versionChangesMs(), b.series().keySet()));
        }
        // another window: the screen's identities are not used, the instances table is read again
        assertThat(screening.signals(List.of("cart-1"), START + 60_000L, END, 60_000L))
                .extracting(InstanceSignals::version).containsExactly("2.1");
    }

    @Test
    void theEnvironmentIsCarriedAndFilters() {
        // a day earlier, so that the other tests' ranges do not see it
        long from = START - 24 * 3_600_000L;
        long to = from + 3_600_000L;
        List<MetricRow> rows = new java.util.ArrayList<>();
        for (MetricRow r : new SyntheticJvm("ledger", "3.0", "ledger-staging", 0).rows(from, 360)) {
            rows.add(new MetricRow(r.timeMillis(), r.startTimeMillis(), r.service(), r.version(), r.instance(),
                    "host-s", "staging", r.resource(), r.metric(), r.unit(), r.kind(), r.monotonic(), r.delta(),
                    r.attributes(), r.value(), r.count(), r.min(), r.max(), r.bounds(), r.bucketCounts()));
        }
        store.writer().write(rows, null);

        assertThat(queries.signals(null, "ledger-staging", from, to, 60_000L, 1).getFirst().environment())
                .isEqualTo("staging");
        assertThat(queries.signals(null, "leaky", START, END, 60_000L, 1).getFirst().environment()).isEmpty();
        assertThat(queries.services(from, to, "staging")).singleElement().satisfies(s -> {
            assertThat(s.service()).isEqualTo("ledger");
            assertThat(s.environments()).containsExactly("staging");
        });
        assertThat(queries.services(from, to, "prod")).isEmpty();
        assertThat(queries.services(from, to)).extracting(ServiceInfo::service).containsExactly("ledger");
        assertThat(queries.screen(null, "staging", from, to)).extracting(SignalQueries.Screened::instance)
                .containsExactly("ledger-staging");
        assertThat(store.queries().instances(null, null, "staging", from, to, 100))
                .extracting(InstanceInfo::instance).containsExactly("ledger-staging");
        assertThat(store.queries().instances(null, null, "staging", from, to, 100).getFirst().environment())
                .isEqualTo("staging");
    }

    @AfterAll
    void close() {
        store.close();
    }

    @Test
    void servicesListVersionsAndInstanceCounts() {
        List<ServiceInfo> services = queries.services(START, END);
        assertThat(services).extracting(ServiceInfo::service).containsExactly("cart", "checkout");
        ServiceInfo checkout = services.get(1);
        assertThat(checkout.instances()).isEqualTo(2);
        assertThat(checkout.versions()).extracting(ServiceInfo.VersionCount::version).containsExactly("1.0");
        assertThat(checkout.lastSeenMillis()).isEqualTo(START + 1079 * 10_000L);
        assertThat(services.getFirst().versions()).extracting(ServiceInfo.VersionCount::version).containsExactly("2.1");
        assertThat(queries.services(END + 3_600_000L, END + 7_200_000L)).isEmpty();
    }

    @Test
    void leakyInstanceHasRisingFloorsLimitsAndCollectionEvidence() {
        List<InstanceSignals> all = queries.signals("checkout", null, START, END, 60_000, 100);
        assertThat(all).extracting(InstanceSignals::instance).containsExactly("healthy", "leaky");
        InstanceSignals leaky = all.get(1);
        assertThat(leaky.service()).isEqualTo("checkout");
        assertThat(leaky.heapMaxBytes()).isCloseTo(1024 * MB, within(1.0));

        ReducedSeries floor = leaky.series().get(ReducedSignal.HEAP_USED_FLOOR);
        assertThat(floor.size()).isEqualTo(180);
        double[] v = floor.values();
        long[] t = floor.timestampsMs();
        assertThat(t[0]).isEqualTo(START);
        assertThat(t[179]).isEqualTo(START + 179 * 60_000L);
        // eden's minimum is 0; the old pool's promoted garbage is reclaimed every 5 minutes, so the lowest
        // of each 5 minutes is on the rising floor
        double first = java.util.Arrays.stream(v, 0, 5).min().orElseThrow();
        double last = java.util.Arrays.stream(v, 175, 180).min().orElseThrow();
        double perHour = (last - first) / (175 / 60.0);
        assertThat(perHour).isCloseTo(50 * MB, within(10 * MB));

        ReducedSeries afterGc = leaky.series().get(ReducedSignal.HEAP_AFTER_GC);
        assertThat(afterGc.limit()).isCloseTo(1024 * MB, within(1.0));
        assertThat(afterGc.values()[179] - afterGc.values()[0]).isCloseTo(50 * MB * 170 / 60, within(1 * MB));

        // a changed after-GC value every 10 minutes, and an "end of major GC" every 10 minutes at the same time
        assertThat(leaky.reclaimingCollectionsMs()).hasSizeBetween(17, 19);
        InstanceSignals healthy = all.getFirst();
        assertThat(healthy.reclaimingCollectionsMs()).hasSizeBetween(17, 19); // major GCs alone

        assertThat(leaky.series().get(ReducedSignal.METASPACE).limit()).isCloseTo(256 * MB, within(1.0));
        assertThat(leaky.series().get(ReducedSignal.METASPACE).values()[10]).isCloseTo(60 * MB, within(1.0));
        assertThat(leaky.series().get(ReducedSignal.CLASSES).values()[10]).isEqualTo(9000);
        assertThat(leaky.series().get(ReducedSignal.THREADS).values()[10]).isEqualTo(30);
        assertThat(leaky.series().get(ReducedSignal.DIRECT).values()[10]).isCloseTo(8 * MB, within(1.0));
        assertThat(leaky.series().get(ReducedSignal.NATIVE).values()[10]).isCloseTo(1000 * MB - 832 * MB, within(1.0));
        assertThat(leaky.series().get(ReducedSignal.FDS).limit()).isEqualTo(65536);
        // 0.002 s of minor GC per 10 s plus 0.05 s of major GC per 10 minutes
        double[] gc = leaky.series().get(ReducedSignal.GC_SHARE).values();
        assertThat(gc[5]).isCloseTo(0.0002, within(0.00002));
        assertThat(leaky.versionChangesMs()).isEmpty();
    }

    @Test
    void versionChangeAndCoarserBucketsAndScopes() {
        List<InstanceSignals> cart = queries.signals(null, "cart-1", START, END, 5 * 60_000, 10);
        assertThat(cart).hasSize(1);
        assertThat(cart.getFirst().version()).isEqualTo("2.1");
        assertThat(cart.getFirst().versionChangesMs()).containsExactly(START + 3_600_000L);
        assertThat(cart.getFirst().series().get(ReducedSignal.CLASSES).size()).isEqualTo(36);

        assertThat(queries.signals(null, null, START, END, 60_000, 2)).hasSize(2);
        assertThat(queries.signals("nope", null, START, END, 60_000, 10)).isEmpty();
        assertThat(queries.signals(null, "o'brien\\", START, END, 60_000, 10)).isEmpty();
    }

    @Test
    void instancesFilterByServiceAndVersionInSql() {
        MetricQueries metrics = store.queries();
        assertThat(metrics.instances("checkout", null, START, END, 10)).extracting(InstanceInfo::instance)
                .containsExactlyInAnyOrder("leaky", "healthy");
        assertThat(metrics.instances("cart", "2.1", START, END, 10)).extracting(InstanceInfo::instance)
                .containsExactly("cart-1");
        assertThat(metrics.instances("cart", "2.0", START, END, 10)).isEmpty();
        assertThat(metrics.instances(null, null, START, END, 2)).hasSize(2);
    }
}
