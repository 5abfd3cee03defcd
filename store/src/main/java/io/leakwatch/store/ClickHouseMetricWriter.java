package io.leakwatch.store;

import io.leakwatch.store.engine.ClickHouseEngine;
import io.leakwatch.store.schema.Schema;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes metric rows to {@code metric_points} as one RowBinary insert per batch, through either engine. A non-null
 * dedup token makes a replayed batch a no-op (ClickHouse insert deduplication, enabled on the table by
 * {@code non_replicated_deduplication_window}).
 */
public final class ClickHouseMetricWriter implements MetricWriter {
    /** Most rows in one insert; a bigger batch is written as several inserts, each with a token of its own. */
    public static final int MAX_BATCH_ROWS = 1_000_000;
    private static final List<String> COLUMNS = Schema.POINT_COLUMNS.stream().map(Schema.Column::name).toList();

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE_LE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The rollups fed from {@code metric_points} are AggregatingMergeTrees whose views already GROUP BY the
     * tables' full sorting key, so a block they receive has one row per key and merging it on insert finds
     * nothing to merge; readers aggregate anyway. Measured on the embedded engine, that pass was more than half
     * of an insert's time (about 24 → 10 µs a row with the three rollups attached).
     */
    private static final Map<String, String> NO_MERGE_ON_INSERT = Map.of("optimize_on_insert", "0");

    private final ClickHouseEngine engine;
    private final int maxInsertRows;

    public ClickHouseMetricWriter(ClickHouseEngine engine) {
        this(engine, MAX_BATCH_ROWS);
    }

    /** With a smaller slice size, for tests. */
    ClickHouseMetricWriter(ClickHouseEngine engine, int maxInsertRows) {
        this.engine = engine;
        this.maxInsertRows = maxInsertRows;
    }

    @Override
    public void write(List<MetricRow> rows, String dedupToken) {
        if (rows.size() > maxInsertRows) {
            // One insert per slice keeps an insert's memory bounded. The slices and their tokens follow from the
            // batch alone, so a replay of the batch cuts the same slices and each landed one is dropped again.
            for (int from = 0, k = 0; from < rows.size(); from += maxInsertRows, k++) {
                insert(rows.subList(from, Math.min(rows.size(), from + maxInsertRows)),
                        dedupToken == null ? null : dedupToken + "-slice" + k);
            }
            return;
        }
        insert(rows, dedupToken);
    }

    private void insert(List<MetricRow> rows, String dedupToken) {
        if (rows.isEmpty()) {
            return;
        }
        engine.insert(Schema.POINTS, COLUMNS, "RowBinary", encode(rows), dedupToken, NO_MERGE_ON_INSERT);
    }

    /**
     * RowBinary bytes of the rows, columns in {@link Schema#POINT_COLUMNS} order. Written by hand rather than
     * with client-v2's {@code RowBinaryFormatWriter}: that writer boxes every value and looks each column up
     * by name, about 10 µs a row, which alone capped ingest near 100k rows/s; this loop is a fraction of it.
     * {@code ClickHouseMetricWriterEncodingTest} checks that both produce the same bytes. Public for the insert
     * cost benchmark, which feeds the same bytes to variants of the table.
     */
    public static byte[] encode(List<MetricRow> rows) {
        RowBinaryBuffer out = new RowBinaryBuffer(rows.size() * 320);
        try {
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
                out.int8(kindCode(r.kind()));
                out.int8(r.monotonic() ? 1 : 0);
                out.int8(r.delta() ? 1 : 0);
                out.map(r.attributes());
                out.float64(r.value());
                out.int64(r.count());
                out.float64(r.min());
                out.float64(r.max());
                List<Double> bounds = r.bounds() == null ? List.of() : r.bounds();
                out.varint(bounds.size());
                for (Double b : bounds) {
                    out.float64(b);
                }
                List<Long> counts = r.bucketCounts() == null ? List.of() : r.bucketCounts();
                out.varint(counts.size());
                for (Long c : counts) {
                    out.int64(c);
                }
            }
        } catch (RuntimeException e) {
            throw new StoreException("cannot encode metric rows: " + e.getMessage(), false, e);
        }
        return out.toByteArray();
    }

    /** The {@code kind} column's Enum8 codes, as declared in {@link Schema#POINT_COLUMNS}. */
    private static int kindCode(MetricKind kind) {
        return switch (kind) {
            case GAUGE -> 1;
            case SUM -> 2;
            case HISTOGRAM -> 3;
            case EXPONENTIAL_HISTOGRAM -> 4;
            case SUMMARY -> 5;
        };
    }

    /** A growable little-endian buffer with RowBinary's primitives. Not thread-safe; one per encode. */
    private static final class RowBinaryBuffer {
        private byte[] buf;
        private int pos;

        RowBinaryBuffer(int initial) {
            buf = new byte[Math.max(64, initial)];
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                long size = Math.max((long) buf.length * 2, (long) pos + n);
                if (size > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("batch encodes to more than 2 GiB");
                }
                buf = Arrays.copyOf(buf, (int) size);
            }
        }

        void int8(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void int64(long v) {
            ensure(8);
            LONG_LE.set(buf, pos, v);
            pos += 8;
        }

        void float64(double v) {
            ensure(8);
            DOUBLE_LE.set(buf, pos, v);
            pos += 8;
        }

        void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void string(String s) {
            if (s == null || s.isEmpty()) {
                int8(0);
                return;
            }
            int n = s.length();
            // Most names and values are ASCII: write the chars straight, without an intermediate byte[].
            if (n < 128) {
                ensure(1 + n);
                int start = pos + 1;
                for (int i = 0; i < n; i++) {
                    char c = s.charAt(i);
                    if (c >= 0x80) {
                        utf8(s);
                        return;
                    }
                    buf[start + i] = (byte) c;
                }
                buf[pos] = (byte) n;
                pos = start + n;
                return;
            }
            utf8(s);
        }

        private void utf8(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void map(Map<String, String> m) {
            if (m == null || m.isEmpty()) {
                int8(0);
                return;
            }
            varint(m.size());
            for (Map.Entry<String, String> e : m.entrySet()) {
                string(e.getKey());
                string(e.getValue());
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }
}
