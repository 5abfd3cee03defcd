package io.leakwatch.standalone;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * LeakWatch's own metrics (ingest's records, rows, batch sizes, insert latency, lag, dead letters),
 * exported over OTLP/HTTP every 30 s to a configured endpoint: by default the standalone's own receiver,
 * so LeakWatch shows up in its own fleet as {@code leakwatch-ingest}. Without an endpoint the instruments
 * record into nothing. {@link #close()} flushes once.
 */
final class SelfTelemetry implements AutoCloseable {
    static final Duration EXPORT_INTERVAL = Duration.ofSeconds(30);
    private final SdkMeterProvider provider;

    private SelfTelemetry(SdkMeterProvider provider) {
        this.provider = provider;
    }

    /** Exports to {@code endpoint} (an OTLP/HTTP metrics URL), or nowhere when it is null. */
    static SelfTelemetry exportingTo(URI endpoint) {
        return exportingTo(endpoint, EXPORT_INTERVAL);
    }

    static SelfTelemetry exportingTo(URI endpoint, Duration interval) {
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
                .put("service.name", "leakwatch-ingest")
                .put("service.version", "0.1.0")
                .put("service.instance.id", "leakwatch-ingest-" + ProcessHandle.current().pid() + "-"
                        + UUID.randomUUID().toString().substring(0, 8))
                .build()));
        var builder = SdkMeterProvider.builder().setResource(resource);
        if (endpoint != null) {
            builder.registerMetricReader(PeriodicMetricReader.builder(
                            OtlpHttpMetricExporter.builder().setEndpoint(endpoint.toString()).build())
                    .setInterval(interval).build());
        }
        return new SelfTelemetry(builder.build());
    }

    SdkMeterProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        provider.close();
    }
}
