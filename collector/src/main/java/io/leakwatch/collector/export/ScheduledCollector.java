package io.leakwatch.collector.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Collects every registered metric at a fixed interval on one thread of its own and hands the
 * snapshot to an exporter. It plays the part of the SDK's {@code PeriodicMetricReader}, which since
 * 1.5x runs collection on an extra, unnamed-to-us worker thread; with this reader the collector has
 * exactly one collection thread, named by the given factory. A callback that throws costs that one
 * snapshot, never the schedule.
 */
public final class ScheduledCollector implements MetricReader {
    private final MetricExporter exporter;
    private final Duration interval;
    private final ScheduledExecutorService thread;
    private volatile CollectionRegistration registration = CollectionRegistration.noop();
    private volatile boolean shutdown;

    public ScheduledCollector(MetricExporter exporter, Duration interval, ThreadFactory threads) {
        this.exporter = exporter;
        this.interval = interval;
        this.thread = Executors.newSingleThreadScheduledExecutor(threads);
    }

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
        long millis = interval.toMillis();
        thread.scheduleAtFixedRate(this::collectAndExport, millis, millis, TimeUnit.MILLISECONDS);
    }

    private CompletableResultCode collectAndExport() {
        try {
            Collection<MetricData> metrics = registration.collectAllMetrics();
            return metrics.isEmpty() ? CompletableResultCode.ofSuccess() : exporter.export(metrics);
        } catch (Throwable e) {
            return CompletableResultCode.ofExceptionalFailure(e);
        }
    }

    /** Collects and exports now, on the collection thread. */
    @Override
    public CompletableResultCode forceFlush() {
        CompletableResultCode result = new CompletableResultCode();
        try {
            thread.execute(() -> collectAndExport().whenComplete(() -> {
                if (!result.isDone()) {
                    result.succeed();
                }
            }));
        } catch (Throwable e) {
            result.failExceptionally(e);
        }
        return result;
    }

    /** Collects a last time, then shuts the exporter down; the result completes when the exporter has. */
    @Override
    public CompletableResultCode shutdown() {
        if (shutdown) {
            return CompletableResultCode.ofSuccess();
        }
        shutdown = true;
        CompletableResultCode result = new CompletableResultCode();
        try {
            thread.execute(() -> {
                collectAndExport();
                exporter.shutdown().whenComplete(result::succeed);
            });
            thread.shutdown();
        } catch (Throwable e) {
            result.failExceptionally(e);
        }
        return result;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return exporter.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return exporter.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
        return exporter.getMemoryMode();
    }
}
