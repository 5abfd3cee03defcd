package io.leakwatch.bench.ingest;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;

import java.util.ArrayList;
import java.util.List;

/**
 * A fleet of JVMs as the collector agent exports them: one OTLP request per JVM per 10 s tick, with the
 * agent's metric set and attribute names (OpenTelemetry semantic conventions, G1 pool names): memory used,
 * committed and limit per pool, used after the last GC per heap pool, GC duration histograms, threads,
 * classes, buffers, CPU time, RSS and open file descriptors; {@value #POINTS_PER_EXPORT} points per export.
 * Each JVM's value and phase inside the tick differ, so every point is distinct.
 */
public final class SyntheticFleet {
    public static final long TICK_MILLIS = 10_000;
    public static final int POINTS_PER_EXPORT = 33;

    private static final String[] HEAP = {"G1 Eden Space", "G1 Survivor Space", "G1 Old Gen"};
    private static final String[] NON_HEAP = {"Metaspace", "CodeCache", "Compressed Class Space"};
    private static final double[] GC_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final int instances;
    private final List<Resource> resources;
    private final List<KeyValue[]> heapAttrs = new ArrayList<>();
    private final List<KeyValue[]> nonHeapAttrs = new ArrayList<>();

    public SyntheticFleet(int instances) {
        this.instances = instances;
        this.resources = new ArrayList<>(instances);
        for (int i = 0; i < instances; i++) {
            resources.add(Resource.newBuilder()
                    .addAttributes(attr("service.name", "svc-" + (i % 50)))
                    .addAttributes(attr("service.version", "1." + (i % 3) + ".0"))
                    .addAttributes(attr("service.instance.id", instanceId(i)))
                    .addAttributes(attr("host.name", "node-" + (i / 8)))
                    .addAttributes(attr("process.pid", Integer.toString(1000 + i % 30_000)))
                    .addAttributes(attr("deployment.environment.name", "prod"))
                    .build());
        }
        for (String pool : HEAP) {
            heapAttrs.add(new KeyValue[] {attr("jvm.memory.pool.name", pool), attr("jvm.memory.type", "heap")});
        }
        for (String pool : NON_HEAP) {
            nonHeapAttrs.add(new KeyValue[] {attr("jvm.memory.pool.name", pool), attr("jvm.memory.type", "non_heap")});
        }
    }

    public int instances() {
        return instances;
    }

    public static String instanceId(int i) {
        return "jvm-" + i;
    }

    /** The time JVM {@code i} stamps its export of the tick starting at {@code tickStartMillis}. */
    public long exportTimeMillis(int i, long tickStartMillis) {
        return tickStartMillis + i * TICK_MILLIS / instances;
    }

    /** JVM {@code i}'s export for tick number {@code tick}, stamped {@code timeMillis}. */
    public ExportMetricsServiceRequest export(int i, long tick, long timeMillis) {
        long t = timeMillis * 1_000_000L;
        long start = t - (tick + 1) * TICK_MILLIS * 1_000_000L;
        long v = 1_000_000L * (1 + i % 97) + tick * 4096;
        List<Metric> metrics = new ArrayList<>();
        metrics.add(pools("jvm.memory.used", t, v, true, true));
        metrics.add(pools("jvm.memory.committed", t, 2 * v, true, true));
        metrics.add(limits(t, 8 * v));
        metrics.add(pools("jvm.memory.used_after_last_gc", t, v / 2, true, false));
        Histogram.Builder gc = Histogram.newBuilder()
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        for (String[] g : new String[][] {{"G1 Young Generation", "end of minor GC"}, {"G1 Old Generation", "end of major GC"}}) {
            HistogramDataPoint.Builder p = HistogramDataPoint.newBuilder().setStartTimeUnixNano(start).setTimeUnixNano(t)
                    .addAttributes(attr("jvm.gc.name", g[0])).addAttributes(attr("jvm.gc.action", g[1]))
                    .setCount(tick + i % 7).setSum(0.01 * (tick + 1)).setMin(0.001).setMax(0.2);
            for (double b : GC_BOUNDS) {
                p.addExplicitBounds(b);
            }
            for (int b = 0; b <= GC_BOUNDS.length; b++) {
                p.addBucketCounts(b == 2 ? tick + i % 7 : 0);
            }
            gc.addDataPoints(p);
        }
        metrics.add(Metric.newBuilder().setName("jvm.gc.duration").setUnit("s").setHistogram(gc).build());
        metrics.add(Metric.newBuilder().setName("jvm.thread.count").setUnit("{thread}").setGauge(Gauge.newBuilder()
                .addDataPoints(num(t, 40 + i % 13).addAttributes(attr("jvm.thread.daemon", "true")))
                .addDataPoints(num(t, 10 + i % 5).addAttributes(attr("jvm.thread.daemon", "false")))).build());
        metrics.add(gauge("jvm.class.count", "{class}", t, 9000 + i % 100));
        metrics.add(counter("jvm.class.loaded", "{class}", start, t, 9100 + i % 100 + tick));
        metrics.add(counter("jvm.class.unloaded", "{class}", start, t, 100 + tick));
        for (String[] b : new String[][] {{"jvm.buffer.memory.used", "By"}, {"jvm.buffer.count", "{buffer}"}}) {
            metrics.add(Metric.newBuilder().setName(b[0]).setUnit(b[1]).setGauge(Gauge.newBuilder()
                    .addDataPoints(num(t, v / 64).addAttributes(attr("jvm.buffer.pool.name", "direct")))
                    .addDataPoints(num(t, v / 128).addAttributes(attr("jvm.buffer.pool.name", "mapped")))).build());
        }
        metrics.add(counter("jvm.cpu.time", "s", start, t, 10 * tick + i % 10));
        metrics.add(gauge("process.memory.usage", "By", t, 12 * v));
        metrics.add(gauge("jvm.file_descriptor.count", "{file_descriptor}", t, 120 + i % 40));
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
        metrics.forEach(scope::addMetrics);
        return ExportMetricsServiceRequest.newBuilder()
                .addResourceMetrics(ResourceMetrics.newBuilder().setResource(resources.get(i)).addScopeMetrics(scope))
                .build();
    }

    private Metric pools(String name, long t, long v, boolean heap, boolean nonHeap) {
        Gauge.Builder g = Gauge.newBuilder();
        if (heap) {
            for (int p = 0; p < HEAP.length; p++) {
                g.addDataPoints(num(t, v + p).addAttributes(heapAttrs.get(p)[0]).addAttributes(heapAttrs.get(p)[1]));
            }
        }
        if (nonHeap) {
            for (int p = 0; p < NON_HEAP.length; p++) {
                g.addDataPoints(num(t, v / 10 + p).addAttributes(nonHeapAttrs.get(p)[0]).addAttributes(nonHeapAttrs.get(p)[1]));
            }
        }
        return Metric.newBuilder().setName(name).setUnit("By").setGauge(g).build();
    }

    private Metric limits(long t, long v) {
        Gauge.Builder g = Gauge.newBuilder()
                .addDataPoints(num(t, v).addAttributes(heapAttrs.get(2)[0]).addAttributes(heapAttrs.get(2)[1]));
        for (int p = 0; p < NON_HEAP.length; p++) {
            g.addDataPoints(num(t, v / 4 + p).addAttributes(nonHeapAttrs.get(p)[0]).addAttributes(nonHeapAttrs.get(p)[1]));
        }
        return Metric.newBuilder().setName("jvm.memory.limit").setUnit("By").setGauge(g).build();
    }

    private static Metric gauge(String name, String unit, long t, long v) {
        return Metric.newBuilder().setName(name).setUnit(unit).setGauge(Gauge.newBuilder().addDataPoints(num(t, v))).build();
    }

    private static Metric counter(String name, String unit, long start, long t, long v) {
        return Metric.newBuilder().setName(name).setUnit(unit).setSum(Sum.newBuilder().setIsMonotonic(true)
                .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addDataPoints(num(t, v).setStartTimeUnixNano(start))).build();
    }

    private static NumberDataPoint.Builder num(long t, long v) {
        return NumberDataPoint.newBuilder().setTimeUnixNano(t).setAsInt(v);
    }

    private static KeyValue attr(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }
}
