package io.leakwatch.store;

import java.util.List;
import java.util.Map;

/**
 * One metric data point as stored: the resource identity flattened into columns, the point's own
 * attributes, and its value. Histogram points carry count/sum/min/max and explicit buckets; other kinds
 * leave those empty ({@code 0}, {@code NaN}, empty lists).
 *
 * @param timeMillis      point time, epoch milliseconds (UTC)
 * @param startTimeMillis start of the cumulative/delta interval, or 0 for gauges
 * @param service         {@code service.name}
 * @param version         {@code service.version}, "" when absent
 * @param instance        {@code service.instance.id}
 * @param host            {@code host.name}, "" when absent
 * @param environment     {@code deployment.environment.name}, "" when absent
 * @param resource        every resource attribute, as strings
 * @param metric          metric name, e.g. {@code jvm.memory.used_after_last_gc}
 * @param unit            UCUM unit, e.g. {@code By}
 * @param kind            data point kind
 * @param monotonic       for sums: whether the sum is monotonic
 * @param delta           for sums and histograms: true when aggregation temporality is DELTA
 * @param attributes      the point's attributes, as strings
 * @param value           gauge/sum value; histogram sum for histograms
 * @param count           histogram count, else 0
 * @param min             histogram min, or NaN
 * @param max             histogram max, or NaN
 * @param bounds          explicit bucket bounds, else empty
 * @param bucketCounts    bucket counts (bounds.size()+1), else empty
 */
public record MetricRow(
        long timeMillis,
        long startTimeMillis,
        String service,
        String version,
        String instance,
        String host,
        String environment,
        Map<String, String> resource,
        String metric,
        String unit,
        MetricKind kind,
        boolean monotonic,
        boolean delta,
        Map<String, String> attributes,
        double value,
        long count,
        double min,
        double max,
        List<Double> bounds,
        List<Long> bucketCounts) {

    /** A gauge or sum point with no histogram fields. */
    public static MetricRow scalar(long timeMillis, String service, String version, String instance,
                                   String metric, String unit, MetricKind kind,
                                   Map<String, String> attributes, double value) {
        return new MetricRow(timeMillis, 0, service, version, instance, "", "", Map.of(), metric, unit, kind,
                false, false, attributes, value, 0, Double.NaN, Double.NaN, List.of(), List.of());
    }
}
