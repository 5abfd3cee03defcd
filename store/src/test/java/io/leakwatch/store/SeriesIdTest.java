package io.leakwatch.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesIdTest {

    @Test
    void idsAreStableAcrossProcessesAndReleases() {
        // Stored rows carry these ids: a change of the function splits every series in two at the upgrade.
        assertThat(SeriesId.of("checkout", "1.2.3", "i-1", "jvm.memory.used",
                Map.of("jvm.memory.pool.name", "G1 Old Gen", "jvm.memory.type", "heap")))
                .isEqualTo(GOLDEN);
    }

    private static final long GOLDEN = 8501622534422044880L;

    @Test
    void aBatchsIdsAreEachRowsId() {
        List<MetricRow> rows = new ArrayList<>(TestRows.heap("checkout", "i-1", 3, TestRows.T0));
        rows.addAll(TestRows.heap("checkout", "i-2", 2, TestRows.T0));
        rows.add(MetricRow.scalar(0, "checkout", "1.0.0", new String("i-2"), "jvm.thread.count", "1", MetricKind.GAUGE,
                Map.of(), 7));
        rows.add(MetricRow.scalar(0, "billing", "1.0.0", "i-2", "jvm.thread.count", "1", MetricKind.GAUGE, Map.of(), 7));
        rows.add(MetricRow.scalar(0, null, null, null, null, null, MetricKind.GAUGE, null, 7));
        long[] ids = SeriesId.of(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(ids[i]).as("row %d", i).isEqualTo(SeriesId.of(rows.get(i)));
        }
    }

    @Test
    void theOrderOfAttributesDoesNotMakeANewSeries() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertThat(SeriesId.of("s", "v", "i", "m", ab)).isEqualTo(SeriesId.of("s", "v", "i", "m", ba));
    }

    @Test
    void everyPartOfTheIdentityCounts() {
        long base = SeriesId.of("s", "v", "i", "m", Map.of("k", "x"));
        assertThat(Set.of(
                SeriesId.of("s2", "v", "i", "m", Map.of("k", "x")),
                SeriesId.of("s", "v2", "i", "m", Map.of("k", "x")),
                SeriesId.of("s", "v", "i2", "m", Map.of("k", "x")),
                SeriesId.of("s", "v", "i", "m2", Map.of("k", "x")),
                SeriesId.of("s", "v", "i", "m", Map.of("k", "y")),
                SeriesId.of("s", "v", "i", "m", Map.of("k2", "x")),
                SeriesId.of("s", "v", "i", "m", Map.of("k", "x", "l", "z")),
                SeriesId.of("s", "v", "i", "m", Map.of()))).hasSize(8).doesNotContain(base);
        // key and value are not interchangeable, nor are attributes and names
        assertThat(SeriesId.of("s", "v", "i", "m", Map.of("x", "k"))).isNotEqualTo(base);
        assertThat(SeriesId.of(null, null, null, null, null)).isEqualTo(SeriesId.of("", "", "", "", Map.of()));
    }

    @Test
    void theHighHalfIsTheInstanceSoAnInstancesSeriesSortTogether() {
        long a = SeriesId.of("s", "v", "inst-7", "jvm.memory.used", Map.of("pool", "old"));
        long b = SeriesId.of("other", "9", "inst-7", "jvm.thread.count", Map.of());
        assertThat(a >>> 32).isEqualTo(b >>> 32).isEqualTo(SeriesId.instancePart("inst-7"));
        assertThat(SeriesId.instancePart("inst-8")).isNotEqualTo(SeriesId.instancePart("inst-7"));
    }

    @Test
    void aFleetsSeriesDoNotCollide() {
        Set<Long> ids = new HashSet<>();
        String[] pools = {"G1 Old Gen", "G1 Eden Space", "G1 Survivor Space", "Metaspace", "CodeHeap 'profiled nmethods'"};
        int n = 0;
        for (int i = 0; i < 20_000; i++) {
            String instance = "inst-%05d".formatted(i);
            for (String pool : pools) {
                for (String metric : new String[]{"jvm.memory.used", "jvm.memory.committed", "jvm.memory.limit"}) {
                    ids.add(SeriesId.of("svc-" + i % 7, "1." + i % 3, instance, metric, Map.of("jvm.memory.pool.name", pool)));
                    n++;
                }
            }
        }
        assertThat(ids).hasSize(n);
    }
}
