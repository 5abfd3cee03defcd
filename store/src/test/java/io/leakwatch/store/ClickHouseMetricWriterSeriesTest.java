package io.leakwatch.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.leakwatch.store.TestRows.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identities are written once per series and refreshed hours later, not with every batch; a new writer (an ingest
 * restart) starts from the ids already stored; the points of every batch land with their identity.
 */
class ClickHouseMetricWriterSeriesTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void identitiesAreWrittenOnceAndRefreshedHoursLater(@TempDir Path dir) {
        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            List<MetricRow> first = TestRows.heap("checkout", "i-1", 3, T0);
            new ClickHouseMetricWriter(store.engine()).write(first, "t-1");
            long series = first.stream().map(SeriesId::of).distinct().count();
            assertThat(query(store, "SELECT count(), uniqExact(series_id), toUnixTimestamp64Milli(max(last_seen)) FROM series"))
                    .isEqualTo(series + "\t" + series + "\t" + (T0 + 20_000));

            // a restarted ingest: a new writer, the same series a minute later
            ClickHouseMetricWriter restarted = new ClickHouseMetricWriter(store.engine());
            restarted.write(TestRows.heap("checkout", "i-1", 3, T0 + 60_000), "t-2");
            assertThat(query(store, "SELECT count(), toUnixTimestamp64Milli(max(last_seen)) FROM series"))
                    .isEqualTo(series + "\t" + (T0 + 20_000));

            // past every series' refresh time (at most 6 h): written again with the newer last_seen
            restarted.write(TestRows.heap("checkout", "i-1", 3, T0 + 7 * HOUR), "t-3");
            assertThat(query(store, "SELECT uniqExact(series_id), toUnixTimestamp64Milli(max(last_seen)) FROM series"))
                    .isEqualTo(series + "\t" + (T0 + 7 * HOUR + 20_000));

            // every point of the three batches has its identity
            assertThat(query(store, """
                    SELECT count(), countIf(series_id IN (SELECT series_id FROM series)) FROM series_values"""))
                    .isEqualTo(first.size() * 3 + "\t" + first.size() * 3);
        }
    }

    @Test
    void refreshTimesSpreadOverThreeHours() {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            long r = ClickHouseMetricWriter.refreshMillis(SeriesId.of("s", "v", "i-" + i, "m", Map.of()));
            lo = Math.min(lo, r);
            hi = Math.max(hi, r);
        }
        assertThat(lo).isGreaterThanOrEqualTo(3 * HOUR).isLessThan(3 * HOUR + HOUR / 2);
        assertThat(hi).isLessThan(6 * HOUR).isGreaterThan(6 * HOUR - HOUR / 2);
    }

    private static String query(Store store, String sql) {
        return new String(store.engine().query(sql, Map.of(), "TabSeparated"), StandardCharsets.UTF_8).strip();
    }
}
