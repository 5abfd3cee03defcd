package io.leakwatch.store;

import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseFormat;
import io.leakwatch.store.engine.ClickHouseEngine;
import io.leakwatch.store.schema.Schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Writes metric rows to {@code metric_points} as one RowBinary insert per batch, encoded by client-v2's
 * own RowBinary writer, through either engine. A non-null dedup token makes a replayed batch a no-op
 * (ClickHouse insert deduplication, enabled on the table by {@code non_replicated_deduplication_window}).
 */
public final class ClickHouseMetricWriter implements MetricWriter {
    /** Upper bound of rows in one batch; bigger batches are a caller bug. */
    public static final int MAX_BATCH_ROWS = 1_000_000;
    private static final List<String> COLUMNS = Schema.POINT_COLUMNS.stream().map(Schema.Column::name).toList();
    private static final TableSchema TABLE = new TableSchema(Schema.POINT_COLUMNS.stream()
            .map(c -> ClickHouseColumn.of(c.name(), c.type())).toList());

    private final ClickHouseEngine engine;

    public ClickHouseMetricWriter(ClickHouseEngine engine) {
        this.engine = engine;
    }

    @Override
    public void write(List<MetricRow> rows, String dedupToken) {
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() > MAX_BATCH_ROWS) {
            throw new StoreException("batch of " + rows.size() + " rows exceeds " + MAX_BATCH_ROWS, false);
        }
        engine.insert(Schema.POINTS, COLUMNS, "RowBinary", encode(rows), dedupToken);
    }

    /** RowBinary bytes of the rows, columns in {@link Schema#POINT_COLUMNS} order. */
    static byte[] encode(List<MetricRow> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 160);
        RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, TABLE, ClickHouseFormat.RowBinary);
        try {
            for (MetricRow r : rows) {
                w.setDateTime("ts", utc(r.timeMillis()));
                w.setDateTime("start_ts", utc(r.startTimeMillis()));
                w.setString("service", nz(r.service()));
                w.setString("version", nz(r.version()));
                w.setString("instance", nz(r.instance()));
                w.setString("host", nz(r.host()));
                w.setString("environment", nz(r.environment()));
                w.setValue("resource", r.resource() == null ? java.util.Map.of() : r.resource());
                w.setString("metric", nz(r.metric()));
                w.setString("unit", nz(r.unit()));
                w.setValue("kind", r.kind().name());
                w.setBoolean("monotonic", r.monotonic());
                w.setBoolean("delta", r.delta());
                w.setValue("attributes", r.attributes() == null ? java.util.Map.of() : r.attributes());
                w.setDouble("value", r.value());
                w.setLong("count", r.count());
                w.setDouble("min", r.min());
                w.setDouble("max", r.max());
                w.setList("bounds", r.bounds() == null ? List.of() : r.bounds());
                w.setList("bucket_counts", r.bucketCounts() == null ? List.of() : r.bucketCounts());
                w.commitRow();
            }
        } catch (IOException | RuntimeException e) {
            throw new StoreException("cannot encode metric rows: " + e.getMessage(), false, e);
        }
        return out.toByteArray();
    }

    private static ZonedDateTime utc(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
