package io.leakwatch.store.jfr;

import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseFormat;
import io.leakwatch.store.StoreException;
import io.leakwatch.store.engine.ClickHouseEngine;
import io.leakwatch.store.schema.Schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes JFR snapshots to the JFR tables of migration 2: one RowBinary insert per table per batch, encoded by
 * client-v2's RowBinary writer, through either engine.
 *
 * <p>Idempotence: each insert carries the caller's dedup token, so a replayed batch is dropped by ClickHouse
 * (insert deduplication is per table, so one token serves all tables). Stacks go first and the snapshot rows
 * last: a reader that sees a snapshot row sees its samples, and a batch that fails half-way is retried whole
 * with the same token, the tables already written dropping the repeat.
 */
public final class JfrWriter {
    /** Upper bound of rows of one table in one batch; more is a caller bug. */
    public static final int MAX_BATCH_ROWS = 1_000_000;

    private static final Table SNAPSHOTS = new Table(Schema.JFR_SNAPSHOTS, new String[][] {
            {"snapshot_id", "String"}, {"start_ts", "DateTime64(3, 'UTC')"}, {"end_ts", "DateTime64(3, 'UTC')"},
            {"service", "LowCardinality(String)"}, {"version", "LowCardinality(String)"},
            {"instance", "LowCardinality(String)"}, {"host", "LowCardinality(String)"},
            {"resource", "Map(LowCardinality(String), String)"}, {"compressed_bytes", "UInt64"},
            {"jfr_bytes", "UInt64"}, {"old_objects", "UInt32"}, {"alloc_samples", "UInt32"},
            {"gc_events", "UInt32"}, {"stacks", "UInt32"}});
    private static final Table OLD_OBJECTS = new Table(Schema.JFR_OLD_OBJECTS, new String[][] {
            {"ts", "DateTime64(3, 'UTC')"}, {"snapshot_id", "String"}, {"service", "LowCardinality(String)"},
            {"version", "LowCardinality(String)"}, {"instance", "LowCardinality(String)"},
            {"class", "LowCardinality(String)"}, {"allocation_ts", "DateTime64(3, 'UTC')"}, {"age_ms", "Int64"},
            {"array_size", "Int32"}, {"heap_used", "UInt64"}, {"stack_hash", "Int64"},
            {"root_type", "LowCardinality(String)"}, {"root_system", "LowCardinality(String)"},
            {"root_description", "String"}, {"ref_chain", "Array(String)"}});
    private static final Table ALLOCATIONS = new Table(Schema.JFR_ALLOC_SAMPLES, new String[][] {
            {"ts", "DateTime64(3, 'UTC')"}, {"snapshot_id", "String"}, {"service", "LowCardinality(String)"},
            {"version", "LowCardinality(String)"}, {"instance", "LowCardinality(String)"},
            {"class", "LowCardinality(String)"}, {"weight", "UInt64"}, {"stack_hash", "Int64"}});
    private static final Table COLLECTIONS = new Table(Schema.JFR_GC, new String[][] {
            {"ts", "DateTime64(3, 'UTC')"}, {"snapshot_id", "String"}, {"service", "LowCardinality(String)"},
            {"version", "LowCardinality(String)"}, {"instance", "LowCardinality(String)"}, {"gc_id", "UInt32"},
            {"gc_name", "LowCardinality(String)"}, {"cause", "LowCardinality(String)"}, {"heap_before", "UInt64"},
            {"heap_after", "UInt64"}, {"pause_ms", "Float64"}});
    private static final Table STACKS = new Table(Schema.JFR_STACKS, new String[][] {
            {"stack_hash", "Int64"}, {"frames", "Array(String)"}, {"last_seen", "DateTime64(3, 'UTC')"}});

    private final ClickHouseEngine engine;

    public JfrWriter(ClickHouseEngine engine) {
        this.engine = engine;
    }

    /**
     * Writes the snapshots; {@code dedupToken} (may be null) makes a replay of the same batch a no-op.
     *
     * @throws StoreException with {@link StoreException#retryable()} saying whether a retry may succeed
     */
    public void write(List<JfrSnapshotRows> snapshots, String dedupToken) {
        if (snapshots.isEmpty()) {
            return;
        }
        Map<Long, Object[]> stacks = new LinkedHashMap<>();
        List<Object[]> oldObjects = new ArrayList<>();
        List<Object[]> allocations = new ArrayList<>();
        List<Object[]> collections = new ArrayList<>();
        List<Object[]> snapshotRows = new ArrayList<>();
        for (JfrSnapshotRows s : snapshots) {
            ZonedDateTime end = utc(s.endMillis());
            for (JfrSnapshotRows.Stack st : s.stacks()) {
                stacks.putIfAbsent(st.hash(), new Object[] {st.hash(), st.frames(), end});
            }
            for (JfrSnapshotRows.OldObject o : s.oldObjects()) {
                oldObjects.add(new Object[] {end, s.snapshotId(), s.service(), s.version(), s.instance(), o.className(),
                        utc(o.allocationMillis()), o.ageMillis(), o.arraySize(), Math.max(0, o.heapUsedBytes()),
                        o.stackHash(), o.rootType(), o.rootSystem(), o.rootDescription(), o.refChain()});
            }
            for (JfrSnapshotRows.Allocation a : s.allocations()) {
                allocations.add(new Object[] {utc(a.timeMillis()), s.snapshotId(), s.service(), s.version(),
                        s.instance(), a.className(), Math.max(0, a.weight()), a.stackHash()});
            }
            for (JfrSnapshotRows.Collection c : s.collections()) {
                collections.add(new Object[] {utc(c.timeMillis()), s.snapshotId(), s.service(), s.version(),
                        s.instance(), Math.max(0, Math.min(c.gcId(), 0xFFFF_FFFFL)), c.name(), c.cause(),
                        Math.max(0, c.heapBeforeBytes()), Math.max(0, c.heapAfterBytes()), c.pauseMillis()});
            }
            snapshotRows.add(new Object[] {s.snapshotId(), utc(s.startMillis()), end, s.service(), s.version(),
                    s.instance(), s.host(), s.resource(), Math.max(0, s.compressedBytes()), Math.max(0, s.jfrBytes()),
                    (long) s.oldObjects().size(), (long) s.allocations().size(), (long) s.collections().size(),
                    (long) s.stacks().size()});
        }
        insert(STACKS, new ArrayList<>(stacks.values()), dedupToken);
        insert(OLD_OBJECTS, oldObjects, dedupToken);
        insert(ALLOCATIONS, allocations, dedupToken);
        insert(COLLECTIONS, collections, dedupToken);
        insert(SNAPSHOTS, snapshotRows, dedupToken);
    }

    private void insert(Table table, List<Object[]> rows, String dedupToken) {
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() > MAX_BATCH_ROWS) {
            throw new StoreException(table.name + ": batch of " + rows.size() + " rows exceeds " + MAX_BATCH_ROWS, false);
        }
        engine.insert(table.name, table.columns, "RowBinary", table.encode(rows), dedupToken);
    }

    private static ZonedDateTime utc(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
    }

    /** A table's columns, in the order rows list their values. */
    private static final class Table {
        final String name;
        final List<String> columns;
        final TableSchema schema;

        Table(String name, String[][] columns) {
            this.name = name;
            List<String> names = new ArrayList<>();
            List<ClickHouseColumn> cols = new ArrayList<>();
            for (String[] c : columns) {
                names.add(c[0]);
                cols.add(ClickHouseColumn.of(c[0], c[1]));
            }
            this.columns = List.copyOf(names);
            this.schema = new TableSchema(cols);
        }

        byte[] encode(List<Object[]> rows) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 128);
            RowBinaryFormatWriter w = new RowBinaryFormatWriter(out, schema, ClickHouseFormat.RowBinary);
            try {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        w.setValue(i + 1, row[i]);
                    }
                    w.commitRow();
                }
            } catch (IOException | RuntimeException e) {
                throw new StoreException("cannot encode " + name + " rows: " + e.getMessage(), false, e);
            }
            return out.toByteArray();
        }
    }
}
