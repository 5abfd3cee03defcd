package io.leakwatch.store;

import java.util.List;
import java.util.Map;

/** The reads the API needs. Blocking: call from a worker thread. */
public interface MetricQueries {

    /** Instances that reported in [fromMillis, toMillis), most recently seen first, at most {@code limit}. */
    List<InstanceInfo> instances(long fromMillis, long toMillis, int limit);

    /**
     * As {@link #instances(long, long, int)}, keeping only instances whose latest service and version equal
     * the given ones (null: any). The default filters the unfiltered list; stores override it in SQL.
     */
    default List<InstanceInfo> instances(String service, String version, long fromMillis, long toMillis, int limit) {
        return instances(fromMillis, toMillis, Integer.MAX_VALUE).stream()
                .filter(i -> service == null || service.equals(i.service()))
                .filter(i -> version == null || version.equals(i.version()))
                .limit(Math.max(0, limit))
                .toList();
    }

    /**
     * As {@link #instances(String, String, long, long, int)}, also keeping only instances whose latest
     * environment equals {@code environment} (null: any). The default filters in Java; stores override it in SQL.
     */
    default List<InstanceInfo> instances(String service, String version, String environment, long fromMillis,
                                         long toMillis, int limit) {
        if (environment == null) {
            return instances(service, version, fromMillis, toMillis, limit);
        }
        return instances(service, version, fromMillis, toMillis, Integer.MAX_VALUE).stream()
                .filter(i -> environment.equals(i.environment()))
                .limit(Math.max(0, limit))
                .toList();
    }

    /**
     * Points of one metric of one instance in [fromMillis, toMillis), ordered by attributes then time,
     * at most {@code limit}. {@code attributeFilter} keeps only points whose attributes contain every
     * given key with the given value (empty: all).
     */
    List<SeriesPoint> series(String instance, String metric, Map<String, String> attributeFilter,
                             long fromMillis, long toMillis, int limit);
}
