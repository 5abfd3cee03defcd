package io.leakwatch.bench.store;

import io.leakwatch.store.ClickHouseMetricWriter;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.RowBinaryBuffer;
import io.leakwatch.store.schema.Schema;

import java.util.List;

/**
 * RowBinary of metric rows for the wide {@code metric_points} table of migration 1 (columns in
 * {@link Schema#POINT_COLUMNS} order: every row carries its full identity), byte for byte what
 * {@code ClickHouseMetricWriter.encode} produced before the store moved to series-keyed storage (migration 5).
 * Kept only so that {@link InsertCostBench} can measure the previous layout as a baseline in the same run as the
 * released one; nothing in the product writes this format any more.
 */
public final class LegacyWideRowEncoder {
    /** The columns the bytes hold, in order. */
    public static final List<String> COLUMNS = Schema.POINT_COLUMNS.stream().map(Schema.Column::name).toList();

    private LegacyWideRowEncoder() {
    }

    /** The rows as RowBinary for {@link #COLUMNS}. */
    public static byte[] encode(List<MetricRow> rows) {
        RowBinaryBuffer out = new RowBinaryBuffer(rows.size() * 320);
        for (MetricRow r : rows) {
            out.int64(r.timeMillis());
            out.int64(r.startTimeMillis());
            out.string(r.service());
            out.string(r.version());
            out.string(r.instance());
            out.string(r.host());
            out.string(r.environment());
            out.map(r.resource());
            out.string(r.metric());
            out.string(r.unit());
            out.int8(ClickHouseMetricWriter.kindCode(r.kind()));
            out.int8(r.monotonic() ? 1 : 0);
            out.int8(r.delta() ? 1 : 0);
            out.map(r.attributes());
            out.float64(r.value());
            out.int64(r.count());
            out.float64(r.min());
            out.float64(r.max());
            out.float64Array(r.bounds());
            out.int64Array(r.bucketCounts());
        }
        return out.toByteArray();
    }
}
