package io.leakwatch.collector;

import io.leakwatch.collector.config.CollectorConfig;
import io.leakwatch.collector.config.ConfigLoader;
import io.leakwatch.collector.export.FailureReportingExporter;
import io.leakwatch.collector.export.KafkaMetricExporter;
import io.leakwatch.collector.export.OtlpHttpExporters;
import io.leakwatch.collector.export.QueueingExporter;
import io.leakwatch.collector.export.ScheduledCollector;
import io.leakwatch.collector.jfr.HttpJfrSender;
import io.leakwatch.collector.jfr.JfrFeatures;
import io.leakwatch.collector.jfr.JfrSelfMetrics;
import io.leakwatch.collector.jfr.JfrSender;
import io.leakwatch.collector.jfr.KafkaJfrSender;
import io.leakwatch.collector.jfr.LeakRecorder;
import io.leakwatch.collector.metrics.CollectorSelfMetrics;
import io.leakwatch.collector.metrics.JvmMetrics;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * The running collector of this JVM, and the entry point for applications that embed it instead of
 * using {@code -javaagent}: {@code LeakWatch.start(CollectorConfig.builder().serviceName("shop").build())}.
 *
 * <p>Promises: at most one collector per JVM (a second {@link #start} returns the running one);
 * collection on one daemon thread ({@code leakwatch-collect}), sending on another
 * ({@code leakwatch-export}) behind a bounded queue that drops the oldest snapshot and counts it
 * (OTLP/HTTP requests also use {@code leakwatch-http} and the JDK HttpClient's own daemon threads);
 * never throws into the caller (a failed start is logged once and returns a handle that is not
 * running); {@link #close()} flushes once for at most the configured shutdown timeout, is
 * idempotent, and also runs from a JVM shutdown hook.
 */
public final class LeakWatch implements AutoCloseable {
    private static LeakWatch current; // guarded by LeakWatch.class

    private final CollectorConfig config;
    private final SdkMeterProvider meterProvider;
    private final JvmMetrics jvmMetrics;
    private final ExecutorService httpThread;
    private final Thread shutdownHook;
    private boolean closed; // guarded by this
    private volatile LeakRecorder leakRecorder; // null when JFR leak recordings are off

    private LeakWatch(CollectorConfig config, SdkMeterProvider meterProvider, JvmMetrics jvmMetrics,
            ExecutorService httpThread) {
        this.config = config;
        this.meterProvider = meterProvider;
        this.jvmMetrics = jvmMetrics;
        this.httpThread = httpThread;
        this.shutdownHook = meterProvider == null ? null : new DaemonThreads("leakwatch-shutdown").newThread(this::close);
        this.closed = meterProvider == null;
    }

    /** Starts the collector with {@code config}, or returns the one already running in this JVM. */
    public static synchronized LeakWatch start(CollectorConfig config) {
        AgentLog.init();
        if (current != null && current.isRunning()) {
            AgentLog.log(Level.INFO, "LeakWatch: already running; keeping the running collector");
            return current;
        }
        if (!config.enabled()) {
            AgentLog.log(Level.INFO, "LeakWatch: disabled by configuration (enabled=false)");
            return new LeakWatch(config, null, null, null);
        }
        try {
            current = startNew(config);
            AgentLog.log(Level.INFO, "LeakWatch: collecting every " + config.interval().toMillis() / 1000.0 + " s for "
                    + config.serviceName() + " (instance " + config.instanceId() + "), exporting to " + destination(config));
        } catch (Throwable e) {
            AgentLog.log(Level.WARNING, "LeakWatch: not started, the application runs without it: " + e);
            current = new LeakWatch(config, null, null, null);
        }
        return current;
    }

    /** Starts from agent-style arguments, system properties and the environment (see {@link ConfigLoader}). */
    public static LeakWatch startFromEnvironment(String agentArgs) {
        CollectorConfig config;
        try {
            config = ConfigLoader.load(agentArgs, warning -> AgentLog.log(Level.WARNING, warning));
        } catch (Throwable e) {
            AgentLog.log(Level.WARNING, "LeakWatch: cannot read configuration, using defaults: " + e);
            config = CollectorConfig.builder().build();
        }
        return start(config);
    }

    /** The collector running in this JVM, if any. */
    public static synchronized Optional<LeakWatch> current() {
        return Optional.ofNullable(current).filter(LeakWatch::isRunning);
    }

    private static LeakWatch startNew(CollectorConfig config) {
        ExecutorService httpThread = Executors.newSingleThreadExecutor(new DaemonThreads("leakwatch-http"));
        SdkMeterProvider meterProvider = null;
        QueueingExporter exporter = null;
        JvmMetrics jvmMetrics = null;
        try {
            exporter = new QueueingExporter(
                    new FailureReportingExporter(createExporter(config, httpThread), destination(config)),
                    QueueingExporter.DEFAULT_CAPACITY, config.exportTimeout(), new DaemonThreads("leakwatch-export"));
            ScheduledCollector reader =
                    new ScheduledCollector(exporter, config.interval(), new DaemonThreads("leakwatch-collect"));
            meterProvider = SdkMeterProvider.builder()
                    .setResource(ResourceFactory.create(config))
                    .registerMetricReader(reader)
                    .build();
            jvmMetrics = JvmMetrics.register(meterProvider, config.gcNotificationsPerSecond());
            CollectorSelfMetrics.registerObservers(meterProvider.get(JvmMetrics.SCOPE), exporter);
            LeakWatch started = new LeakWatch(config, meterProvider, jvmMetrics, httpThread);
            Runtime.getRuntime().addShutdownHook(started.shutdownHook);
            started.leakRecorder = startLeakRecordings(config, meterProvider, httpThread);
            return started;
        } catch (Throwable e) {
            if (jvmMetrics != null) {
                jvmMetrics.close(); // its GC listeners would otherwise stay on the host's MXBeans
            }
            if (meterProvider != null) {
                meterProvider.shutdown().join(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } else if (exporter != null) {
                exporter.shutdown();
            }
            httpThread.shutdownNow();
            throw e;
        }
    }

    /**
     * Starts the JFR leak recordings when this JVM can make them; whatever happens, metrics keep flowing and
     * {@code leakwatch.collector.feature} says which JFR features are off and why.
     */
    private static LeakRecorder startLeakRecordings(CollectorConfig config, SdkMeterProvider meterProvider,
            ExecutorService httpThread) {
        // Not JFR's event types: reading them starts JFR, which the first recording does anyway (jfr.interval later).
        JfrFeatures features = JfrFeatures.available(config.jfr().enabled());
        LeakRecorder recorder = null;
        try {
            if (features.on(JfrFeatures.LEAK_RECORDINGS)) {
                JfrSender sender = switch (config.exporter()) {
                    case OTLP -> new HttpJfrSender(config.jfr().otlpEndpoint(), config.otlpHeaders(),
                            config.exportTimeout(), httpThread);
                    case KAFKA -> KafkaJfrSender.create(config);
                };
                Map<String, String> resource = new LinkedHashMap<>();
                ResourceFactory.create(config).getAttributes()
                        .forEach((k, v) -> resource.put(k.getKey(), String.valueOf(v)));
                recorder = LeakRecorder.start(config.jfr(), features, resource, sender);
                AgentLog.log(Level.INFO, "LeakWatch: JFR leak recordings of " + config.jfr().duration().toSeconds()
                        + " s every " + config.jfr().interval().toSeconds() + " s to " + sender);
            } else {
                AgentLog.log(Level.INFO, "LeakWatch: JFR leak recordings off: "
                        + features.states().get(JfrFeatures.LEAK_RECORDINGS).reason());
            }
        } catch (Throwable e) {
            AgentLog.log(Level.WARNING, "LeakWatch: JFR leak recordings not started, metrics continue: " + e);
            features = JfrFeatures.allOff("could not start: " + e.getClass().getSimpleName());
            recorder = null;
        }
        JfrSelfMetrics.registerObservers(meterProvider.get(JvmMetrics.SCOPE), features, recorder);
        return recorder;
    }

    private static MetricExporter createExporter(CollectorConfig config, ExecutorService httpThread) {
        return switch (config.exporter()) {
            case OTLP -> OtlpHttpExporters.create(config, httpThread);
            case KAFKA -> KafkaMetricExporter.create(config);
        };
    }

    private static String destination(CollectorConfig config) {
        return switch (config.exporter()) {
            case OTLP -> config.otlpEndpoint().toString();
            case KAFKA -> "Kafka " + config.kafkaBootstrapServers() + " topic " + config.kafkaTopic();
        };
    }

    public CollectorConfig config() {
        return config;
    }

    public synchronized boolean isRunning() {
        return !closed;
    }

    /**
     * Collects and exports once more, then stops. Waits at most the configured shutdown timeout: the
     * stopping runs on its own daemon thread, so no library call can stretch the host's exit.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Thread stopper = new DaemonThreads("leakwatch-stop").newThread(this::stop);
            stopper.start();
            stopper.join(config.shutdownTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            AgentLog.log(Level.FINE, "LeakWatch: stopping failed: " + e);
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (Throwable ignored) {
                // the JVM is already shutting down
            }
        }
        synchronized (LeakWatch.class) {
            if (current == this) {
                current = null;
            }
        }
    }

    private void stop() {
        long timeoutMs = config.shutdownTimeout().toMillis();
        LeakRecorder recorder = leakRecorder;
        if (recorder != null) {
            recorder.close(); // never delays the exit for a recording in progress: it is discarded
        }
        try {
            // Shutting the provider down first lets its reader collect and export a last time.
            meterProvider.shutdown().join(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (Throwable e) {
            AgentLog.log(Level.FINE, "LeakWatch: final export failed: " + e);
        }
        try {
            jvmMetrics.close();
            httpThread.shutdownNow();
        } catch (Throwable ignored) {
            // stopping is best effort
        }
    }
}
