package io.leakwatch.bench.traces;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;

/**
 * Rewrites a recorded OTLP metrics request for replay: every point's {@code time_unix_nano} and
 * {@code start_time_unix_nano} through a {@link TimeWarp}, and, when asked, the resource's
 * {@code service.instance.id} (so one trace can stand for many instances). Values are left alone: a
 * stretched trace grows at the recorded amount per (stretched) interval. Stateless.
 *
 * @param warp       the time map
 * @param instanceId the replacement {@code service.instance.id}, or null to keep the recorded one
 */
public record RequestRewriter(TimeWarp warp, String instanceId) {

    static final String INSTANCE_KEY = "service.instance.id";

    public ExportMetricsServiceRequest rewrite(ExportMetricsServiceRequest request) {
        ExportMetricsServiceRequest.Builder out = request.toBuilder();
        for (ResourceMetrics.Builder rm : out.getResourceMetricsBuilderList()) {
            if (instanceId != null) {
                rm.setResource(withInstance(rm.getResource()));
            }
            for (ScopeMetrics.Builder sm : rm.getScopeMetricsBuilderList()) {
                for (Metric.Builder m : sm.getMetricsBuilderList()) {
                    rewrite(m);
                }
            }
        }
        return out.build();
    }

    private void rewrite(Metric.Builder m) {
        switch (m.getDataCase()) {
            case GAUGE -> m.getGaugeBuilder().getDataPointsBuilderList().forEach(this::rewrite);
            case SUM -> m.getSumBuilder().getDataPointsBuilderList().forEach(this::rewrite);
            case HISTOGRAM -> {
                for (HistogramDataPoint.Builder p : m.getHistogramBuilder().getDataPointsBuilderList()) {
                    p.setTimeUnixNano(warp.nanos(p.getTimeUnixNano()));
                    p.setStartTimeUnixNano(warp.nanos(p.getStartTimeUnixNano()));
                }
            }
            case EXPONENTIAL_HISTOGRAM -> {
                for (ExponentialHistogramDataPoint.Builder p : m.getExponentialHistogramBuilder().getDataPointsBuilderList()) {
                    p.setTimeUnixNano(warp.nanos(p.getTimeUnixNano()));
                    p.setStartTimeUnixNano(warp.nanos(p.getStartTimeUnixNano()));
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint.Builder p : m.getSummaryBuilder().getDataPointsBuilderList()) {
                    p.setTimeUnixNano(warp.nanos(p.getTimeUnixNano()));
                    p.setStartTimeUnixNano(warp.nanos(p.getStartTimeUnixNano()));
                }
            }
            case DATA_NOT_SET -> {
                // Nothing to shift.
            }
        }
    }

    private void rewrite(NumberDataPoint.Builder p) {
        p.setTimeUnixNano(warp.nanos(p.getTimeUnixNano()));
        p.setStartTimeUnixNano(warp.nanos(p.getStartTimeUnixNano()));
    }

    private Resource withInstance(Resource resource) {
        Resource.Builder b = resource.toBuilder().clearAttributes();
        boolean replaced = false;
        for (KeyValue kv : resource.getAttributesList()) {
            if (kv.getKey().equals(INSTANCE_KEY)) {
                b.addAttributes(instanceAttribute());
                replaced = true;
            } else {
                b.addAttributes(kv);
            }
        }
        if (!replaced) {
            b.addAttributes(instanceAttribute());
        }
        return b.build();
    }

    private KeyValue instanceAttribute() {
        return KeyValue.newBuilder().setKey(INSTANCE_KEY).setValue(AnyValue.newBuilder().setStringValue(instanceId)).build();
    }
}
