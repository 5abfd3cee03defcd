package io.leakwatch.store;

import com.carrotsearch.hppc.LongLongHashMap;
import io.leakwatch.store.engine.ClickHouseEngine;
import io.leakwatch.store.schema.SeriesSchema;
import io.leakwatch.store.schema.SignalFloorsSchema;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes metric rows into the series-keyed tables ({@link SeriesSchema}) through either engine: for each batch the
 * identities of series not written for a while (see {@link #refreshMillis(long)}) go into {@code series} first (so
 * no point is ever readable without its identity), then the points into {@code series_values} as one RowBinary
 * insert, the histogram fields of histogram and summary points (if the batch has any) into
 * {@code series_histograms}, then one row per instance into {@code instance_ticks}. A non-null dedup token makes a
 * replayed batch a no-op (ClickHouse insert deduplication, enabled on those tables by
 * {@code non_replicated_deduplication_window}; each insert has a token of its own derived from the batch's);
 * {@code series} needs none: it is a ReplacingMergeTree, and writing an identity twice changes nothing.
 *
 * <p>Writing identities costs about as much per row as the points' old wide layout did (InsertCostBench: 10–14
 * µs against 3.5–4.6 for a batch of known series), so the writer keeps it rare: it remembers the series it wrote,
 * starts from the ids already stored (read once, at its first write, so a restart does not rewrite a fleet's
 * identities), and refreshes an identity's {@code last_seen} (which drives the table's TTL) only every 3 to 6 hours,
 * each series at its own point in that range so that series first written together do not fall due together.
 *
 * <p>Thread-safe: ingest calls it from several workers; the memory of written series is shared and bounded by
 * {@link #MAX_KNOWN_SERIES} (past it, it starts over, which only rewrites identities once more).
 */
public final class ClickHouseMetricWriter implements MetricWriter {
    /** Most rows in one insert; a bigger batch is written as several inserts, each with a token of its own. */
    public static final int MAX_BATCH_ROWS = 1_000_000;
    /** A series' identity is written again after 3 to 6 hours, which keeps its {@code last_seen} (and TTL) current. */
    static final long SERIES_REFRESH_MILLIS = 3 * 3_600_000L;
    /**
     * Most series ids remembered as written: 21 to 43 bytes of heap each (two longs in an open-addressing map at a
     * load factor between 0.375 and 0.75), so 1 M (about 30 k JVMs' series) is at most ~43 MB; a 10 k-JVM fleet
     * takes at most ~14 MB.
     */
    static final int MAX_KNOWN_SERIES = 1_000_000;
    /** Older than any {@code last_seen}: a series never written is always due. */
    private static final long NEVER = Long.MIN_VALUE / 2;
    private static final Set<String> SCREENED = Set.copyOf(SignalFloorsSchema.METRICS);
    private static final List<String> SERIES_COLUMNS = SeriesSchema.names(SeriesSchema.SERIES_COLUMNS);
    private static final List<String> VALUE_COLUMNS = SeriesSchema.names(SeriesSchema.VALUE_COLUMNS);
    private static final List<String> HISTOGRAM_COLUMNS = SeriesSchema.names(SeriesSchema.HISTOGRAM_COLUMNS);
    private static final List<String> INSTANCE_TICK_COLUMNS = SeriesSchema.names(SeriesSchema.INSTANCE_TICK_COLUMNS);

    /**
     * The rollups fed from the points are AggregatingMergeTrees whose views already GROUP BY the tables' full
     * sorting key, so a block they receive has one row per key and merging it on insert finds nothing to merge;
     * readers aggregate anyway. Measured on the embedded engine, that pass was more than half of an insert's time.
     */
    private static final Map<String, String> NO_MERGE_ON_INSERT = Map.of("optimize_on_insert", "0");

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseMetricWriter.class);

    private final ClickHouseEngine engine;
    private final int maxInsertRows;
    /** Series id → the newest {@code last_seen} written for it; guarded by its own lock. */
    private final LongLongHashMap writtenSeries = new LongLongHashMap();
    private volatile boolean storedSeriesLoaded;

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
                insert(PreparedRows.of(rows.subList(from, Math.min(rows.size(), from + maxInsertRows))),
                        derivedToken(dedupToken, "-slice" + k));
            }
            return;
        }
        insert(PreparedRows.of(rows), dedupToken);
    }

    /** {@link PreparedRows}: the series ids, points and instance spans, computed on the calling thread. */
    @Override
    public List<MetricRow> prepare(List<MetricRow> rows) {
        return PreparedRows.of(rows);
    }

    @Override
    public List<MetricRow> join(List<? extends List<MetricRow>> parts) {
        return PreparedRows.join(parts);
    }

    private void insert(PreparedRows rows, String dedupToken) {
        if (rows.isEmpty()) {
            return;
        }
        if (!storedSeriesLoaded) {
            loadStoredSeries();
        }
        Map<Long, MetricRow> due = dueSeries(rows);
        if (!due.isEmpty()) {
            engine.insert(SeriesSchema.SERIES, SERIES_COLUMNS, "RowBinary", encodeSeries(due), null,
                    NO_MERGE_ON_INSERT);
        }
        engine.insert(SeriesSchema.VALUES, VALUE_COLUMNS, "RowBinary", rows.values(), dedupToken, NO_MERGE_ON_INSERT);
        if (rows.histograms().length > 0) {
            engine.insert(SeriesSchema.HISTOGRAMS, HISTOGRAM_COLUMNS, "RowBinary", rows.histograms(),
                    derivedToken(dedupToken, "-histograms"), NO_MERGE_ON_INSERT);
        }
        engine.insert(SeriesSchema.INSTANCE_TICKS, INSTANCE_TICK_COLUMNS, "RowBinary",
                encodeInstanceTicks(rows.instances()), derivedToken(dedupToken, "-instances"), NO_MERGE_ON_INSERT);
        // only now: a failed insert leaves the series due, so the retry writes their identity again
        synchronized (writtenSeries) {
            if (writtenSeries.size() + due.size() > MAX_KNOWN_SERIES) {
                writtenSeries.clear();
            }
            due.forEach((id, row) -> remember(id, row.timeMillis()));
        }
    }

    /** The token of one insert of a batch, from the batch's: none when the batch has none. */
    private static String derivedToken(String batchToken, String suffix) {
        return batchToken == null ? null : batchToken + suffix;
    }

    /** Per series of the batch whose identity is unwritten or older than the refresh period: its newest row. */
    private Map<Long, MetricRow> dueSeries(PreparedRows rows) {
        long[] ids = rows.ids();
        long[] times = rows.times();
        Map<Long, MetricRow> due = new HashMap<>();
        synchronized (writtenSeries) {
            for (int i = 0; i < ids.length; i++) {
                long age = times[i] - writtenSeries.getOrDefault(ids[i], NEVER);
                // the common case, a series written under 3 h ago, needs no division
                if (age >= SERIES_REFRESH_MILLIS && age >= refreshMillis(ids[i])) {
                    due.merge(ids[i], rows.get(i), (a, b) -> b.timeMillis() >= a.timeMillis() ? b : a);
                }
            }
        }
        return due;
    }

    /** Under the lock of {@link #writtenSeries}. */
    private void remember(long seriesId, long lastSeen) {
        int slot = writtenSeries.indexOf(seriesId);
        if (writtenSeries.indexExists(slot)) {
            writtenSeries.indexReplace(slot, Math.max(writtenSeries.indexGet(slot), lastSeen));
        } else {
            writtenSeries.indexInsert(slot, seriesId, lastSeen);
        }
    }

    /** How long after its last write a series' identity is due again: 3 to 6 hours, by its id. */
    static long refreshMillis(long seriesId) {
        return SERIES_REFRESH_MILLIS + Math.floorMod(seriesId, SERIES_REFRESH_MILLIS);
    }

    /**
     * Remembers the series already stored, with their newest {@code last_seen}, at most {@link #MAX_KNOWN_SERIES}.
     * Once per writer; a failure only means identities are written again, so it is logged, not thrown.
     */
    private synchronized void loadStoredSeries() {
        if (storedSeriesLoaded) {
            return;
        }
        try {
            String body = new String(engine.query("""
                    SELECT series_id, toUnixTimestamp64Milli(max(last_seen)) FROM series
                    GROUP BY series_id LIMIT {limit:UInt32}""", Map.of("limit", MAX_KNOWN_SERIES), "TabSeparated"),
                    StandardCharsets.UTF_8);
            for (String line : body.split("\n")) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    synchronized (writtenSeries) {
                        remember(Long.parseUnsignedLong(line.substring(0, tab)), Long.parseLong(line.substring(tab + 1)));
                    }
                }
            }
        } catch (RuntimeException e) {
            // not fatal: without the memory every series of the next batches is written once more
            LOG.warn("cannot read the stored series ids ({}); identities will be written again", e.getMessage());
        }
        storedSeriesLoaded = true;
    }

    /** RowBinary of {@code series} rows, columns in {@link SeriesSchema#SERIES_COLUMNS} order. */
    static byte[] encodeSeries(Map<Long, MetricRow> series) {
        RowBinaryBuffer out = new RowBinaryBuffer(series.size() * 400);
        try {
            for (Map.Entry<Long, MetricRow> e : series.entrySet()) {
                MetricRow r = e.getValue();
                out.int64(e.getKey());
                out.string(r.instance());
                out.string(r.metric());
                out.string(r.service());
                out.string(r.version());
                out.string(r.host());
                out.string(r.environment());
                out.map(r.resource());
                out.string(r.unit());
                out.int8(kindCode(r.kind()));
                out.int8(r.monotonic() ? 1 : 0);
                out.int8(r.delta() ? 1 : 0);
                out.map(r.attributes());
                out.int64(r.timeMillis());
            }
        } catch (RuntimeException e) {
            throw new StoreException("cannot encode series: " + e.getMessage(), false, e);
        }
        return out.toByteArray();
    }

    /**
     * RowBinary bytes of the rows' values, columns in {@link SeriesSchema#VALUE_COLUMNS} order. Written by hand
     * rather than with client-v2's {@code RowBinaryFormatWriter}: that writer boxes every value and looks each
     * column up by name, which alone capped ingest near 100k rows/s; {@code ClickHouseMetricWriterEncodingTest}
     * checks that both produce the same bytes. Public for the insert cost benchmark.
     */
    public static byte[] encodeValues(List<MetricRow> rows) {
        return encodeValues(rows, SeriesId.of(rows));
    }

    static byte[] encodeValues(List<MetricRow> rows, long[] ids) {
        RowBinaryBuffer out = new RowBinaryBuffer(rows.size() * 33);
        String metric = null;
        boolean screened = false;
        try {
            for (int i = 0; i < ids.length; i++) {
                MetricRow r = rows.get(i);
                if (i == 0 || r.metric() != metric) { // a metric's points are consecutive, sharing its name object
                    metric = r.metric();
                    screened = metric != null && SCREENED.contains(metric);
                }
                out.int64(ids[i]);
                out.int64(r.timeMillis());
                out.int64(r.startTimeMillis());
                out.float64(r.value());
                out.int8(screened ? 1 : 0);
            }
        } catch (RuntimeException e) {
            throw new StoreException("cannot encode metric rows: " + e.getMessage(), false, e);
        }
        return out.toByteArray();
    }

    /** RowBinary bytes of the histogram fields of the rows that have them ({@link #hasHistogram}), else empty. */
    static byte[] encodeHistograms(List<MetricRow> rows, long[] ids) {
        RowBinaryBuffer out = null;
        try {
            for (int i = 0; i < ids.length; i++) {
                MetricRow r = rows.get(i);
                if (!hasHistogram(r)) {
                    continue;
                }
                if (out == null) {
                    out = new RowBinaryBuffer(256);
                }
                out.int64(ids[i]);
                out.int64(r.timeMillis());
                out.int64(r.startTimeMillis());
                out.int64(r.count());
                out.float64(r.value());
                out.float64(r.min());
                out.float64(r.max());
                out.float64Array(r.bounds());
                out.int64Array(r.bucketCounts());
            }
        } catch (RuntimeException e) {
            throw new StoreException("cannot encode histogram fields: " + e.getMessage(), false, e);
        }
        return out == null ? new byte[0] : out.toByteArray();
    }

    /** Histogram, exponential histogram and summary points: the kinds with a count, min, max or buckets. */
    static boolean hasHistogram(MetricRow r) {
        return r.kind() != MetricKind.GAUGE && r.kind() != MetricKind.SUM;
    }

    /** One {@code instance_ticks} row per instance span: its identity at its newest point, span and count. */
    static byte[] encodeInstanceTicks(List<PreparedRows.InstanceSpan> spans) {
        RowBinaryBuffer out = new RowBinaryBuffer(spans.size() * 96);
        try {
            for (PreparedRows.InstanceSpan s : spans) {
                MetricRow newest = s.newest();
                out.string(s.instance());
                out.string(newest.service());
                out.string(newest.version());
                out.string(newest.host());
                out.string(newest.environment());
                out.int64(s.first());
                out.int64(s.last());
                out.int64(s.points());
            }
        } catch (RuntimeException e) {
            throw new StoreException("cannot encode instance ticks: " + e.getMessage(), false, e);
        }
        return out.toByteArray();
    }

    /** The {@code kind} column's Enum8 codes, as declared in the schema. */
    public static int kindCode(MetricKind kind) {
        return switch (kind) {
            case GAUGE -> 1;
            case SUM -> 2;
            case HISTOGRAM -> 3;
            case EXPONENTIAL_HISTOGRAM -> 4;
            case SUMMARY -> 5;
        };
    }
}
