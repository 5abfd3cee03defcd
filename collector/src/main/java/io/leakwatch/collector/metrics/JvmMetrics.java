package io.leakwatch.collector.metrics;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetryBuilder;
import io.opentelemetry.instrumentation.runtimetelemetry.internal.Experimental;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers every JVM signal on a meter provider: OpenTelemetry's runtime telemetry (JMX only, no JFR
 * stream) for memory pools with usage after GC, GC durations from notifications, threads, classes,
 * CPU, and, as its experimental set, buffer pools and open file descriptors; plus what it lacks
 * ({@link ProcessMemory}, {@link ThreadTotals}, {@link GcHeapAfterCollection}). {@link #close()}
 * unregisters all of them and is idempotent.
 */
public final class JvmMetrics implements AutoCloseable {
    public static final String SCOPE = "io.leakwatch.collector";

    private final List<AutoCloseable> registrations;
    private boolean closed;

    private JvmMetrics(List<AutoCloseable> registrations) {
        this.registrations = registrations;
    }

    public static JvmMetrics register(MeterProvider meterProvider) {
        List<AutoCloseable> registrations = new ArrayList<>();
        RuntimeTelemetryBuilder builder = RuntimeTelemetry.builder(new MetersOnly(meterProvider));
        // Buffer pools and file descriptors are "experimental" in the semantic conventions; LeakWatch needs them.
        Experimental.setEmitExperimentalMetrics(builder, true);
        registrations.add(builder.build());
        registrations.addAll(ProcessMemory.registerObservers(meterProvider.get(SCOPE)));
        registrations.addAll(ThreadTotals.registerObservers(meterProvider.get(SCOPE)));
        registrations.addAll(GcHeapAfterCollection.registerObservers(meterProvider.get(SCOPE)));
        return new JvmMetrics(registrations);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable registration : registrations) {
            try {
                registration.close();
            } catch (Throwable ignored) {
                // closing the rest matters more
            }
        }
    }

    /** An {@link OpenTelemetry} that has only our meters: no tracing, and no touching the host's globals. */
    private record MetersOnly(MeterProvider meterProvider) implements OpenTelemetry {
        @Override
        public MeterProvider getMeterProvider() {
            return meterProvider;
        }

        @Override
        public TracerProvider getTracerProvider() {
            return TracerProvider.noop();
        }

        @Override
        public ContextPropagators getPropagators() {
            return ContextPropagators.noop();
        }
    }
}
