package io.leakwatch.store;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Metric rows with the part of {@link ClickHouseMetricWriter}'s work that needs no store done ahead: each row's
 * series id, the RowBinary bytes of the values and of the histogram fields, and each instance's span among the rows (what {@code instance_ticks}
 * gets). Ingest prepares the rows of each Kafka record on the thread that decoded them, in parallel with the other
 * records and while the rows are still in that core's caches, then {@link #join joins} a batch's parts by copying
 * arrays. Done by the writer instead, those passes over a batch ran on one thread and were mostly cache misses:
 * a fifth of ingest's wall time in a profile of the fleet benchmark.
 *
 * <p>An unmodifiable list of the rows, so any {@link MetricWriter} accepts it as plain rows.
 */
public final class PreparedRows extends AbstractList<MetricRow> implements RandomAccess {
    private final List<MetricRow> rows;
    private final long[] ids;
    private final long[] times;
    private final byte[] values;
    private final byte[] histograms;
    private final List<InstanceSpan> instances;

    /**
     * One instance's rows in a batch: its first and last point time, its point count, and its newest row (whose
     * service, version, host and environment the instance's tick carries).
     */
    record InstanceSpan(String instance, long first, long last, long points, MetricRow newest) {
        InstanceSpan merge(InstanceSpan o) {
            return new InstanceSpan(instance, Math.min(first, o.first), Math.max(last, o.last), points + o.points,
                    o.last >= last ? o.newest : newest);
        }
    }

    private PreparedRows(List<MetricRow> rows, long[] ids, long[] times, byte[] values, byte[] histograms,
                         List<InstanceSpan> instances) {
        this.rows = rows;
        this.ids = ids;
        this.times = times;
        this.values = values;
        this.histograms = histograms;
        this.instances = instances;
    }

    /** The rows, prepared on the calling thread; a {@code PreparedRows} is returned as it is. */
    public static PreparedRows of(List<MetricRow> rows) {
        if (rows instanceof PreparedRows p) {
            return p;
        }
        List<MetricRow> copy = List.copyOf(rows);
        long[] ids = SeriesId.of(copy);
        long[] times = new long[copy.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = copy.get(i).timeMillis();
        }
        return new PreparedRows(copy, ids, times, ClickHouseMetricWriter.encodeValues(copy, ids),
                ClickHouseMetricWriter.encodeHistograms(copy, ids), spans(copy));
    }

    /** The parts as one, in order; parts that are not prepared yet are prepared here. */
    public static PreparedRows join(List<? extends List<MetricRow>> parts) {
        if (parts.size() == 1) {
            return of(parts.getFirst());
        }
        List<PreparedRows> prepared = new ArrayList<>(parts.size());
        int rowCount = 0;
        int valueBytes = 0;
        int histogramBytes = 0;
        for (List<MetricRow> part : parts) {
            PreparedRows p = of(part);
            prepared.add(p);
            rowCount += p.size();
            valueBytes = Math.addExact(valueBytes, p.values.length);
            histogramBytes = Math.addExact(histogramBytes, p.histograms.length);
        }
        List<MetricRow> rows = new ArrayList<>(rowCount);
        long[] ids = new long[rowCount];
        long[] times = new long[rowCount];
        byte[] values = new byte[valueBytes];
        byte[] histograms = new byte[histogramBytes];
        Map<String, InstanceSpan> spans = new LinkedHashMap<>();
        int r = 0;
        int v = 0;
        int h = 0;
        for (PreparedRows p : prepared) {
            rows.addAll(p.rows);
            System.arraycopy(p.ids, 0, ids, r, p.ids.length);
            System.arraycopy(p.times, 0, times, r, p.times.length);
            System.arraycopy(p.values, 0, values, v, p.values.length);
            System.arraycopy(p.histograms, 0, histograms, h, p.histograms.length);
            r += p.ids.length;
            v += p.values.length;
            h += p.histograms.length;
            for (InstanceSpan s : p.instances) {
                spans.merge(s.instance(), s, InstanceSpan::merge);
            }
        }
        return new PreparedRows(Collections.unmodifiableList(rows), ids, times, values, histograms, List.copyOf(spans.values()));
    }

    @Override
    public MetricRow get(int index) {
        return rows.get(index);
    }

    @Override
    public int size() {
        return rows.size();
    }

    /** The series id of each row, in row order (not a copy: not to be changed). */
    long[] ids() {
        return ids;
    }

    /** The time of each row, in row order (not a copy). */
    long[] times() {
        return times;
    }

    /** The rows' values, RowBinary in {@code SeriesSchema.VALUE_COLUMNS} order (not a copy). */
    byte[] values() {
        return values;
    }

    /**
     * The histogram fields of the rows that have them, RowBinary in {@code SeriesSchema.HISTOGRAM_COLUMNS} order;
     * empty when none has (not a copy).
     */
    byte[] histograms() {
        return histograms;
    }

    /** One span per instance, in order of first appearance. */
    List<InstanceSpan> instances() {
        return instances;
    }

    private static List<InstanceSpan> spans(List<MetricRow> rows) {
        Map<String, InstanceSpan> spans = new LinkedHashMap<>(4);
        String instance = null;
        long first = 0;
        long last = 0;
        long points = 0;
        MetricRow newest = null;
        for (MetricRow row : rows) {
            // an export's rows share one instance string: the map is consulted only when it changes
            if (newest != null && row.instance() != instance && !Objects.equals(row.instance(), instance)) {
                spans.merge(instance, new InstanceSpan(instance, first, last, points, newest), InstanceSpan::merge);
                newest = null;
            }
            if (newest == null) {
                instance = row.instance();
                first = row.timeMillis();
                last = row.timeMillis();
                points = 0;
                newest = row;
            }
            first = Math.min(first, row.timeMillis());
            if (row.timeMillis() >= last) {
                last = row.timeMillis();
                newest = row;
            }
            points++;
        }
        if (newest != null) {
            spans.merge(instance, new InstanceSpan(instance, first, last, points, newest), InstanceSpan::merge);
        }
        return List.copyOf(spans.values());
    }
}
