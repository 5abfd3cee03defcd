package io.leakwatch.store;

import java.util.Map;

/** One stored point of a series: its attributes (pool, GC name …), time and value. */
public record SeriesPoint(Map<String, String> attributes, long timeMillis, double value) {
}
