package io.leakwatch.standalone;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;

/** OTLP requests of one old-generation after-GC point, the smallest record the pipeline stores and serves. */
final class OldGenPoints {
    static final String METRIC = "jvm.memory.used_after_last_gc";
    static final String POOL = "G1 Old Gen";

    private OldGenPoints() {
    }

    /** One point of service {@code service}, instance {@code instance}, at {@code millis}. */
    static ExportMetricsServiceRequest request(String service, String instance, long millis, double value) {
        Resource resource = Resource.newBuilder()
                .addAttributes(attribute("service.name", service))
                .addAttributes(attribute("service.instance.id", instance))
                .build();
        Metric metric = Metric.newBuilder().setName(METRIC).setUnit("By")
                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                        .setTimeUnixNano(millis * 1_000_000L)
                        .setAsDouble(value)
                        .addAttributes(attribute("jvm.memory.pool.name", POOL))))
                .build();
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource)
                        .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(metric)))
                .build();
    }

    private static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }
}
