package io.leakwatch.queryapi;

import io.leakwatch.store.InstanceInfo;
import io.leakwatch.store.MetricQueries;
import io.leakwatch.store.SeriesPoint;
import io.leakwatch.store.StoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory {@link MetricQueries} for the API's unit tests: canned answers, recorded calls, optional failure. */
final class FakeMetricQueries implements MetricQueries {

    record SeriesCall(String instance, String metric, Map<String, String> filter, long from, long to, int limit) {
    }

    record InstancesCall(long from, long to, int limit) {
    }

    volatile List<InstanceInfo> instances = List.of();
    volatile List<SeriesPoint> points = List.of();
    volatile boolean fail;
    final List<InstancesCall> instancesCalls = new CopyOnWriteArrayList<>();
    final List<SeriesCall> seriesCalls = new CopyOnWriteArrayList<>();

    @Override
    public List<InstanceInfo> instances(long fromMillis, long toMillis, int limit) {
        instancesCalls.add(new InstancesCall(fromMillis, toMillis, limit));
        if (fail) {
            throw new StoreException("SELECT secret FROM leak_table failed at /var/lib/leakwatch", false);
        }
        return instances.stream().limit(limit).toList();
    }

    @Override
    public List<SeriesPoint> series(String instance, String metric, Map<String, String> attributeFilter,
                                    long fromMillis, long toMillis, int limit) {
        seriesCalls.add(new SeriesCall(instance, metric, attributeFilter, fromMillis, toMillis, limit));
        if (fail) {
            throw new StoreException("SELECT secret FROM leak_table failed at /var/lib/leakwatch", false);
        }
        List<SeriesPoint> out = new ArrayList<>();
        for (SeriesPoint p : points) {
            if (p.attributes().entrySet().containsAll(attributeFilter.entrySet()) && out.size() < limit) {
                out.add(p);
            }
        }
        return out;
    }
}
