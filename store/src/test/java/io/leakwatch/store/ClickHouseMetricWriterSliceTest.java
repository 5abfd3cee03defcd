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
 * A batch above the insert size limit is written in slices, each with a token derived from the batch's, so a
 * replay of the whole batch is dropped slice by slice and nothing is stored twice; the embedded engine's
 * insert (with merge-on-insert off) still feeds the rollups.
 */
class ClickHouseMetricWriterSliceTest {

    @Test
    void anOversizeBatchIsStoredOnceInSlicesAndItsReplayIsDropped(@TempDir Path dir) {
        try (Store store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()))) {
            ClickHouseMetricWriter writer = new ClickHouseMetricWriter(store.engine(), 10);
            List<MetricRow> batch = TestRows.heap("checkout", "i-slices", 25, T0);

            writer.write(batch, "leakwatch.metrics-0-0-24");
            writer.write(batch, "leakwatch.metrics-0-0-24");

            assertThat(batch.size()).isGreaterThan(30); // several slices of 10
            assertThat(query(store, "SELECT count(), uniqExact(series_id, ts) FROM series_values"))
                    .isEqualTo(batch.size() + "\t" + batch.size());
            assertThat(query(store, "SELECT sum(points) FROM series_points_1m")).isEqualTo(Integer.toString(batch.size()));
        }
    }

    private static String query(Store store, String sql) {
        return new String(store.engine().query(sql, Map.of(), "TabSeparated"), StandardCharsets.UTF_8).strip();
    }
}
