package io.leakwatch.collector.host;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Reads what the host tests assert on out of decoded OTLP requests. */
final class ExportedMetrics {
    private final List<ExportMetricsServiceRequest> requests;

    ExportedMetrics(Collection<ExportMetricsServiceRequest> requests) {
        this.requests = List.copyOf(requests);
    }

    Set<String> names() {
        return metrics().stream().map(Metric::getName).collect(Collectors.toCollection(TreeSet::new));
    }

    List<Metric> metrics() {
        return requests.stream().flatMap(r -> r.getResourceMetricsList().stream())
                .flatMap(rm -> rm.getScopeMetricsList().stream()).flatMap(sm -> sm.getMetricsList().stream()).toList();
    }

    List<Metric> named(String name) {
        return metrics().stream().filter(m -> m.getName().equals(name)).toList();
    }

    /** Number points of a gauge or sum metric. */
    List<NumberDataPoint> points(String name) {
        return named(name).stream().flatMap(m -> m.hasSum() ? m.getSum().getDataPointsList().stream()
                : m.getGauge().getDataPointsList().stream()).toList();
    }

    Map<String, String> resource() {
        return attributes(requests.getFirst().getResourceMetrics(0).getResource().getAttributesList());
    }

    static Map<String, String> attributes(List<KeyValue> list) {
        Map<String, String> out = new LinkedHashMap<>();
        for (KeyValue kv : list) {
            AnyValue v = kv.getValue();
            out.put(kv.getKey(), v.hasIntValue() ? String.valueOf(v.getIntValue()) : v.getStringValue());
        }
        return out;
    }
}
