package io.leakwatch.store;

/** The OTLP data point kinds LeakWatch stores. Names match the {@code kind} enum column. */
public enum MetricKind {
    GAUGE,
    SUM,
    HISTOGRAM,
    EXPONENTIAL_HISTOGRAM,
    SUMMARY
}
