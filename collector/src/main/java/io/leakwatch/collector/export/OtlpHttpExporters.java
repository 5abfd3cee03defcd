package io.leakwatch.collector.export;

import io.leakwatch.collector.config.CollectorConfig;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.concurrent.ExecutorService;

/**
 * Builds the OTLP/HTTP exporter: protobuf, gzip, the JDK's HttpClient (no OkHttp in the agent), the
 * OpenTelemetry exporter's capped jittered retry for retryable statuses, and the collector's own
 * named daemon thread for the requests.
 */
public final class OtlpHttpExporters {
    private OtlpHttpExporters() {}

    public static MetricExporter create(CollectorConfig config, ExecutorService exportThread) {
        return OtlpHttpMetricExporter.builder()
                .setEndpoint(config.otlpEndpoint().toString())
                .setHeaders(config::otlpHeaders)
                .setCompression("gzip")
                .setTimeout(config.exportTimeout())
                .setConnectTimeout(config.exportTimeout())
                .setExecutorService(exportThread)
                .setComponentLoader(io.opentelemetry.common.ComponentLoader.forClassLoader(
                        OtlpHttpExporters.class.getClassLoader()))
                // The exporter's self-metrics would go to the global provider: keep the host's globals untouched.
                .setMeterProvider(MeterProvider::noop)
                .build();
    }
}
