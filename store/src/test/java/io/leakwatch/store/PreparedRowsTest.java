package io.leakwatch.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Prepared parts, joined, are exactly what preparing all their rows at once gives. */
class PreparedRowsTest {

    private static MetricRow row(long t, String instance, String metric, double value) {
        return MetricRow.scalar(t, "checkout", "1.0", instance, metric, "By", MetricKind.GAUGE,
                Map.of("pool", "old"), value);
    }

    private final List<MetricRow> first = List.of(row(1_000, "i-1", "a", 1), row(3_000, "i-1", "b", 2),
            row(2_000, "i-2", "a", 3));
    private final List<MetricRow> second = List.of(row(5_000, "i-2", "b", 4), row(500, "i-1", "a", 5),
            new MetricRow(5_000, 0, "checkout", "1.0", "i-2", "", "", Map.of(), "gc", "s", MetricKind.HISTOGRAM,
                    false, false, Map.of(), 0.5, 3, 0.1, 0.3, List.of(0.2), List.of(1L, 2L)));

    @Test
    void preparedRowsCarryTheirIdsTimesAndEncodedPoints() {
        PreparedRows p = PreparedRows.of(first);

        assertThat(p).containsExactlyElementsOf(first);
        assertThat(p.ids()).containsExactly(SeriesId.of(first));
        assertThat(p.times()).containsExactly(1_000, 3_000, 2_000);
        assertThat(p.values()).isEqualTo(ClickHouseMetricWriter.encodeValues(first));
        assertThat(p.histograms()).isEmpty();
        assertThat(p.instances()).containsExactly(
                new PreparedRows.InstanceSpan("i-1", 1_000, 3_000, 2, first.get(1)),
                new PreparedRows.InstanceSpan("i-2", 2_000, 2_000, 1, first.get(2)));
    }

    @Test
    void joinedPartsEqualTheirRowsPreparedTogether() {
        List<MetricRow> all = new ArrayList<>(first);
        all.addAll(second);
        PreparedRows whole = PreparedRows.of(all);

        PreparedRows joined = PreparedRows.join(List.of(PreparedRows.of(first), second)); // a part not prepared too

        assertThat(joined).containsExactlyElementsOf(all);
        assertThat(joined.ids()).containsExactly(whole.ids());
        assertThat(joined.times()).containsExactly(whole.times());
        assertThat(joined.values()).isEqualTo(whole.values());
        assertThat(joined.histograms()).isEqualTo(whole.histograms()).isNotEmpty();
        // an instance in both parts is one span: earliest first, latest last, the later of two equal-time rows
        assertThat(joined.instances()).containsExactlyElementsOf(whole.instances()).containsExactly(
                new PreparedRows.InstanceSpan("i-1", 500, 3_000, 3, first.get(1)),
                new PreparedRows.InstanceSpan("i-2", 2_000, 5_000, 3, second.get(2)));
    }

    @Test
    void preparedRowsAreUnmodifiableAndNotPreparedTwice() {
        PreparedRows p = PreparedRows.of(first);

        assertThat(PreparedRows.of(p)).isSameAs(p);
        assertThatThrownBy(() -> p.add(first.getFirst())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> PreparedRows.join(List.of(p, p)).remove(0))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
