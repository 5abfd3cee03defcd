package io.leakwatch.collector.metrics;

import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.instrumentation.runtimetelemetry.internal.JmxRuntimeMetricsFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Registers every JVM signal on a meter provider: OpenTelemetry's runtime telemetry (its JMX observers, no
 * JFR stream) for memory pools with usage after GC, threads, classes, CPU, and, from its experimental set,
 * buffer pools and open file descriptors; plus what it lacks ({@link ProcessMemory}, {@link ThreadTotals},
 * {@link GcHeapAfterCollection}, which also records {@code jvm.gc.duration} so a collection is decoded once,
 * not once per listener). {@link #close()} unregisters all of them and is idempotent.
 *
 * <p>Left out, as no LeakWatch signal and a cost at every collection: {@link #LEFT_OUT}.
 */
public final class JvmMetrics implements AutoCloseable {
    public static final String SCOPE = "io.leakwatch.collector";
    /** Runtime telemetry's scope name, kept so its metrics look as they do from any OTel JVM. */
    static final String RUNTIME_SCOPE = "io.opentelemetry.runtime-telemetry";
    /**
     * Runtime-telemetry metrics the collector does not register: {@code jvm.gc.duration} (recorded by
     * {@link GcHeapAfterCollection}); {@code jvm.cpu.recent_utilization}, which the rate of {@code jvm.cpu.time}
     * over {@code jvm.cpu.count} gives, while reading it makes a container-aware JDK open several cgroup files at
     * every collection; and the experimental {@code jvm.memory.init} and system-wide CPU
     * ({@code jvm.system.cpu.load_1m}, {@code jvm.system.cpu.utilization}), which are not about this JVM.
     */
    static final Set<String> LEFT_OUT = Set.of("jvm.gc.duration", "jvm.cpu.recent_utilization", "jvm.memory.init",
            "jvm.system.cpu.load_1m", "jvm.system.cpu.utilization");

    private final List<AutoCloseable> registrations;
    private boolean closed;

    private JvmMetrics(List<AutoCloseable> registrations) {
        this.registrations = registrations;
    }

    public static JvmMetrics register(MeterProvider meterProvider) {
        return register(meterProvider, GcNotificationBudget.DEFAULT_MAX_PER_SECOND);
    }

    /** With {@code gcNotificationsPerSecond}: see {@link GcHeapAfterCollection#registerObservers(Meter, double)}. */
    public static JvmMetrics register(MeterProvider meterProvider, double gcNotificationsPerSecond) {
        List<AutoCloseable> registrations = new ArrayList<>();
        // Buffer pools and file descriptors are "experimental" in the semantic conventions; LeakWatch needs them.
        // The factory is what RuntimeTelemetry.builder().build() calls for JMX; called directly, it takes a filter.
        registrations.addAll(JmxRuntimeMetricsFactory.buildObservables(true, false, name -> !LEFT_OUT.contains(name),
                meterProvider.get(RUNTIME_SCOPE)));
        registrations.addAll(ProcessMemory.registerObservers(meterProvider.get(SCOPE)));
        registrations.addAll(ThreadTotals.registerObservers(meterProvider.get(SCOPE)));
        registrations.addAll(GcHeapAfterCollection.registerObservers(meterProvider.get(SCOPE), gcNotificationsPerSecond));
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
}
