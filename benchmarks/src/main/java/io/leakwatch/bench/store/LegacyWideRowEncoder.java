package io.leakwatch.bench.store;

import io.leakwatch.store.ClickHouseMetricWriter;
import io.leakwatch.store.MetricRow;
import io.leakwatch.store.RowBinaryBuffer;
import io.leakwatch.store.SeriesId;
import io.leakwatch.store.schema.Schema;
import io.leakwatch.store.schema.SignalFloorsSchema;

import java.util.List;
import java.util.Set;

/**
 * RowBinary of metric rows for the wide {@code metric_points} table of migration 1 (columns in
 * {@link Schema#POINT_COLUMNS} order: every row carries its full identity), byte for byte what
 * {@code ClickHouseMetricWriter.encode} produced before the store moved to series-keyed storage (migration 5).
 * Kept only so that {@link InsertCostBench} can measure the previous layouts as baselines in the same run as the
 * released one; nothing in the product writes these formats any more.
 */
public final class LegacyWideRowEncoder {
    /** The columns the bytes hold, in order. */
    public static final List<String> COLUMNS = Schema.POINT_COLUMNS.stream().map(Schema.Column::name).toList();

    /** The columns of migration 5's {@code series_points}, in the order {@link #encodeSeriesPoints} writes them. */
    public static final List<String> SERIES_POINT_COLUMNS = List.of("series_id", "ts", "start_ts", "value", "count",
            "min", "max", "bounds", "bucket_counts", "screened");
    private static final Set<String> SCREENED = Set.copyOf(SignalFloorsSchema.METRICS);

    private LegacyWideRowEncoder() {
    }

    /**
     * The rows as RowBinary for migration 5's {@code series_points} ({@link #SERIES_POINT_COLUMNS}: histogram fields
     * on every row), what the writer sent before migration 6 split them off.
     */
    public static byte[] encodeSeriesPoints(List<MetricRow> rows) {
        long[] ids = SeriesId.of(rows);
        RowBinaryBuffer out = new RowBinaryBuffer(rows.size() * 80);
        for (int i = 0; i < ids.length; i++) {
            MetricRow r = rows.get(i);
            out.int64(ids[i]);
            out.int64(r.timeMillis());
            out.int64(r.startTimeMillis());
            valueAndHistogram(out, r);
            out.int8(SCREENED.contains(r.metric()) ? 1 : 0);
        }
        return out.toByteArray();
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
            valueAndHistogram(out, r);
        }
        return out.toByteArray();
    }

    /** Both layouts end a point with its value and histogram fields, in this order. */
    private static void valueAndHistogram(RowBinaryBuffer out, MetricRow r) {
        out.float64(r.value());
        out.int64(r.count());
        out.float64(r.min());
        out.float64(r.max());
        out.float64Array(r.bounds());
        out.int64Array(r.bucketCounts());
    }
}
