package io.leakwatch.store;

import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseFormat;
import io.leakwatch.store.schema.Schema;
import io.leakwatch.store.schema.SeriesSchema;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's own RowBinary encoding is byte for byte what client-v2's RowBinary writer produces. */
class ClickHouseMetricWriterEncodingTest {

    @Test
    void handWrittenRowBinaryEqualsTheClientWritersBytes() {
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put("service.name", "checkout");
        resource.put("host.name", "nöde-7 ✓"); // non-ASCII goes through UTF-8
        resource.put("long", "x".repeat(300)); // a length needing a two-byte varint
        List<MetricRow> rows = List.of(
                MetricRow.scalar(1_700_000_000_123L, "checkout", "1.2.3", "i-1", "jvm.memory.used", "By",
                        MetricKind.GAUGE, Map.of("jvm.memory.pool.name", "G1 Old Gen"), 123.5),
                new MetricRow(1_700_000_010_000L, 1_699_999_000_000L, "checkout", "", "i-2", "node", "prod", resource,
                        "jvm.gc.duration", "s", MetricKind.HISTOGRAM, false, true, Map.of(), 0.25, 7, 0.001, 0.2,
                        List.of(0.01, 0.1, 1.0), List.of(1L, 5L, 1L, 0L)),
                new MetricRow(-5, 0, null, null, null, null, null, null, "m", null, MetricKind.SUM, true, false, null,
                        Double.NaN, Long.MAX_VALUE, Double.NaN, Double.NEGATIVE_INFINITY, null, null),
                MetricRow.scalar(0, "s", "v", "i", "x", "1", MetricKind.SUMMARY, Map.of(), -0.0),
                MetricRow.scalar(0, "s", "v", "i", "x", "1", MetricKind.EXPONENTIAL_HISTOGRAM, Map.of(), 1e300));

        assertThat(ClickHouseMetricWriter.encodeValues(rows)).isEqualTo(encodeValuesWithClientWriter(rows));
        assertThat(PreparedRows.of(rows).histograms()).isEqualTo(encodeHistogramsWithClientWriter(rows))
                .isNotEmpty();
        assertThat(PreparedRows.of(rows.subList(0, 1)).histograms()).isEmpty(); // a gauge alone
        Map<Long, MetricRow> series = new LinkedHashMap<>();
        rows.forEach(r -> series.put(SeriesId.of(r), r));
        assertThat(ClickHouseMetricWriter.encodeSeries(series)).isEqualTo(encodeSeriesWithClientWriter(series));
        assertThat(ClickHouseMetricWriter.encodeInstanceTicks(PreparedRows.of(rows.subList(0, 2)).instances()))
                .isEqualTo(encodeTicksWithClientWriter(rows.subList(0, 2)));
    }

    private static TableSchema table(List<Schema.Column> columns) {
        return new TableSchema(columns.stream().map(c -> ClickHouseColumn.of(c.name(), c.type())).toList());
    }

    /** The reference for series rows. */
    private static byte[] encodeSeriesWithClientWriter(Map<Long, MetricRow> series) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, table(SeriesSchema.SERIES_COLUMNS), ClickHouseFormat.RowBinary);
        try {
            for (Map.Entry<Long, MetricRow> e : series.entrySet()) {
                MetricRow r = e.getValue();
                w.setValue("series_id", new java.math.BigInteger(Long.toUnsignedString(e.getKey())));
                w.setString("instance", nonNull(r.instance()));
                w.setString("metric", nonNull(r.metric()));
                w.setString("service", nonNull(r.service()));
                w.setString("version", nonNull(r.version()));
                w.setString("host", nonNull(r.host()));
                w.setString("environment", nonNull(r.environment()));
                w.setValue("resource", r.resource() == null ? Map.of() : r.resource());
                w.setString("unit", nonNull(r.unit()));
                w.setValue("kind", r.kind().name());
                w.setBoolean("monotonic", r.monotonic());
                w.setBoolean("delta", r.delta());
                w.setValue("attributes", r.attributes() == null ? Map.of() : r.attributes());
                w.setDateTime("last_seen", utc(r.timeMillis()));
                w.commitRow();
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** The reference for instance ticks: rows of distinct instances, one tick each. */
    private static byte[] encodeTicksWithClientWriter(List<MetricRow> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, table(SeriesSchema.INSTANCE_TICK_COLUMNS),
                ClickHouseFormat.RowBinary);
        try {
            for (MetricRow r : rows) {
                w.setString("instance", nonNull(r.instance()));
                w.setString("service", nonNull(r.service()));
                w.setString("version", nonNull(r.version()));
                w.setString("host", nonNull(r.host()));
                w.setString("environment", nonNull(r.environment()));
                w.setDateTime("first_ts", utc(r.timeMillis()));
                w.setDateTime("last_ts", utc(r.timeMillis()));
                w.setLong("points", 1);
                w.commitRow();
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    /** The reference: the same rows' values through client-v2's RowBinary writer. */
    private static byte[] encodeValuesWithClientWriter(List<MetricRow> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 40);
        RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, table(SeriesSchema.VALUE_COLUMNS), ClickHouseFormat.RowBinary);
        try {
            for (MetricRow r : rows) {
                w.setValue("series_id", new java.math.BigInteger(Long.toUnsignedString(SeriesId.of(r))));
                w.setDateTime("ts", utc(r.timeMillis()));
                w.setDateTime("start_ts", utc(r.startTimeMillis()));
                w.setDouble("value", r.value());
                w.setBoolean("screened", "jvm.memory.used".equals(r.metric()));
                w.commitRow();
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot encode metric rows: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The reference: the histogram fields of the rows of histogram, exponential histogram and summary kind. */
    private static byte[] encodeHistogramsWithClientWriter(List<MetricRow> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 160);
        RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, table(SeriesSchema.HISTOGRAM_COLUMNS),
                ClickHouseFormat.RowBinary);
        try {
            for (MetricRow r : rows) {
                if (r.kind() == MetricKind.GAUGE || r.kind() == MetricKind.SUM) {
                    continue;
                }
                w.setValue("series_id", new java.math.BigInteger(Long.toUnsignedString(SeriesId.of(r))));
                w.setDateTime("ts", utc(r.timeMillis()));
                w.setDateTime("start_ts", utc(r.startTimeMillis()));
                w.setLong("count", r.count());
                w.setDouble("sum", r.value());
                w.setDouble("min", r.min());
                w.setDouble("max", r.max());
                w.setList("bounds", r.bounds() == null ? List.of() : r.bounds());
                w.setList("bucket_counts", r.bucketCounts() == null ? List.of() : r.bucketCounts());
                w.commitRow();
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot encode histogram fields: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static ZonedDateTime utc(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
