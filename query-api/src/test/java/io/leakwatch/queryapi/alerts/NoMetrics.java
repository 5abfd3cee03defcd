package io.leakwatch.queryapi.alerts;

import io.leakwatch.store.InstanceInfo;
import io.leakwatch.store.MetricQueries;
import io.leakwatch.store.SeriesPoint;

import java.util.List;
import java.util.Map;

/** Metric reads with no data: the alerting tests do not read metrics. */
final class NoMetrics implements MetricQueries {

    @Override
    public List<InstanceInfo> instances(long fromMillis, long toMillis, int limit) {
        return List.of();
    }

    @Override
    public List<InstanceInfo> instances(String service, String version, long fromMillis, long toMillis, int limit) {
        return List.of();
    }

    @Override
    public List<SeriesPoint> series(String instance, String metric, Map<String, String> attributeFilter,
                                    long fromMillis, long toMillis, int limit) {
        return List.of();
    }
}
