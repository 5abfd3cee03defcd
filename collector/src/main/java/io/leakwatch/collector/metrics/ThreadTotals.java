package io.leakwatch.collector.metrics;

import io.opentelemetry.api.metrics.Meter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * What OpenTelemetry's runtime telemetry leaves out of threads: {@code jvm.thread.peak}, a gauge of the
 * most live threads since the JVM started, and {@code jvm.thread.started}, a counter of all threads ever
 * started. A started total that climbs while the live count is flat is thread churn; a peak that keeps
 * rising with the live count is a thread leak. Registers nothing where the thread MXBean is unavailable.
 */
public final class ThreadTotals {
    private ThreadTotals() {}

    public static List<AutoCloseable> registerObservers(Meter meter) {
        try {
            return registerObservers(meter, ManagementFactory.getThreadMXBean());
        } catch (Throwable e) {
            return List.of();
        }
    }

    static List<AutoCloseable> registerObservers(Meter meter, ThreadMXBean threads) {
        return List.of(
                meter.gaugeBuilder("jvm.thread.peak").ofLongs().setUnit("{thread}")
                        .setDescription("Peak live thread count since the JVM started.")
                        .buildWithCallback(m -> {
                            try {
                                m.record(threads.getPeakThreadCount());
                            } catch (Throwable ignored) {
                                // skip the point
                            }
                        }),
                meter.counterBuilder("jvm.thread.started").setUnit("{thread}")
                        .setDescription("Threads started since the JVM started.")
                        .buildWithCallback(m -> {
                            try {
                                m.record(threads.getTotalStartedThreadCount());
                            } catch (Throwable ignored) {
                                // skip the point
                            }
                        }));
    }
}
