package io.leakwatch.collector.export;

import io.leakwatch.collector.AgentLog;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;

/**
 * Wraps an exporter so the host's log gets one line when exports start failing and one when they
 * work again, never a line per attempt; and never an exception from {@link #export}.
 */
public final class FailureReportingExporter implements MetricExporter {
    private final MetricExporter delegate;
    private final String destination;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong failedExports = new AtomicLong();
    private final AtomicLong succeededExports = new AtomicLong();

    public FailureReportingExporter(MetricExporter delegate, String destination) {
        this.delegate = delegate;
        this.destination = destination;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        CompletableResultCode result;
        try {
            result = delegate.export(metrics);
        } catch (Throwable e) {
            result = CompletableResultCode.ofExceptionalFailure(e);
        }
        CompletableResultCode observed = result;
        observed.whenComplete(() -> record(observed));
        return observed;
    }

    private void record(CompletableResultCode result) {
        if (result.isSuccess()) {
            succeededExports.incrementAndGet();
            if (failing.compareAndSet(true, false)) {
                AgentLog.log(Level.INFO, "LeakWatch: exporting to " + destination + " again");
            }
        } else {
            failedExports.incrementAndGet();
            if (failing.compareAndSet(false, true)) {
                Throwable cause = result.getFailureThrowable();
                AgentLog.log(Level.WARNING, "LeakWatch: cannot export metrics to " + destination
                        + (cause == null ? "" : " (" + cause + ")") + "; will keep trying quietly");
            }
        }
    }

    /** Exports that failed since start. */
    public long failedExports() {
        return failedExports.get();
    }

    /** Exports that succeeded since start. */
    public long succeededExports() {
        return succeededExports.get();
    }

    @Override
    public CompletableResultCode flush() {
        try {
            return delegate.flush();
        } catch (Throwable e) {
            return CompletableResultCode.ofExceptionalFailure(e);
        }
    }

    @Override
    public CompletableResultCode shutdown() {
        try {
            return delegate.shutdown();
        } catch (Throwable e) {
            return CompletableResultCode.ofExceptionalFailure(e);
        }
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
        return delegate.getMemoryMode();
    }
}
