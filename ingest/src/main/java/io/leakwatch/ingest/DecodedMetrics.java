package io.leakwatch.ingest;

import io.leakwatch.store.MetricRow;

import java.util.List;

/**
 * The rows decoded from one OTLP payload, and the data points that could not be turned into rows.
 *
 * @param rows            rows to store
 * @param rejectedPoints  data points refused (no value, no time …); 0 when all were accepted
 * @param rejectionReason the first reason a point was refused, "" when none was
 */
public record DecodedMetrics(List<MetricRow> rows, long rejectedPoints, String rejectionReason) {
    public DecodedMetrics {
        rows = List.copyOf(rows);
    }
}
