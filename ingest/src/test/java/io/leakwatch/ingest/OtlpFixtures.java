package io.leakwatch.ingest;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;

/** Small OTLP requests built with the proto builders, as the collector agent and the OTel Collector send them. */
final class OtlpFixtures {
    static final long T0_NANOS = 1_700_000_000_000L * 1_000_000L;

    private OtlpFixtures() {
    }

    static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    static Resource resource(String instance) {
        return Resource.newBuilder()
                .addAttributes(attr("service.name", "checkout"))
                .addAttributes(attr("service.version", "1.2.3"))
                .addAttributes(attr("service.instance.id", instance))
                .addAttributes(attr("host.name", "node-7"))
                .addAttributes(attr("deployment.environment.name", "prod"))
                .build();
    }

    /** One gauge {@code jvm.memory.used_after_last_gc} with {@code points} points, one per second. */
    static ExportMetricsServiceRequest heapAfterGc(String instance, int points, long firstValue) {
        return heapAfterGc(instance, points, firstValue, T0_NANOS);
    }

    static ExportMetricsServiceRequest heapAfterGc(String instance, int points, long firstValue, long startNanos) {
        Gauge.Builder gauge = Gauge.newBuilder();
        for (int i = 0; i < points; i++) {
            gauge.addDataPoints(NumberDataPoint.newBuilder()
                    .setTimeUnixNano(startNanos + i * 1_000_000_000L)
                    .setAsInt(firstValue + i)
                    .addAttributes(attr("jvm.memory.pool.name", "G1 Old Gen"))
                    .addAttributes(attr("jvm.memory.type", "heap")));
        }
        return request(instance, Metric.newBuilder().setName("jvm.memory.used_after_last_gc").setUnit("By")
                .setGauge(gauge).build());
    }

    static Metric counter(String name, long value, AggregationTemporality temporality) {
        return Metric.newBuilder().setName(name).setUnit("1")
                .setSum(Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(temporality)
                        .addDataPoints(NumberDataPoint.newBuilder().setStartTimeUnixNano(T0_NANOS - 10_000_000_000L)
                                .setTimeUnixNano(T0_NANOS).setAsInt(value)))
                .build();
    }

    static ExportMetricsServiceRequest request(String instance, Metric... metrics) {
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
        for (Metric m : metrics) {
            scope.addMetrics(m);
        }
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder().setResource(resource(instance)).addScopeMetrics(scope))
                .build();
    }
}
