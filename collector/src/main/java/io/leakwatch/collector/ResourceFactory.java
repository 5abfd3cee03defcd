package io.leakwatch.collector;

import io.leakwatch.collector.config.CollectorConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The OpenTelemetry resource every exported point carries: the SDK's own attributes, then
 * {@code OTEL_RESOURCE_ATTRIBUTES}, then {@code host.name}, {@code process.pid} and the runtime, then
 * {@code service.name}, {@code service.version}, {@code service.instance.id} and
 * {@code deployment.environment.name} from the configuration (which already folded in the OTel
 * variables), later entries winning.
 */
public final class ResourceFactory {
    private ResourceFactory() {}

    public static Resource create(CollectorConfig config) {
        AttributesBuilder fromEnvironment = Attributes.builder();
        for (Map.Entry<String, String> e : config.resourceAttributes().entrySet()) {
            fromEnvironment.put(e.getKey(), e.getValue());
        }
        AttributesBuilder ours = Attributes.builder()
                .put("host.name", hostName())
                .put(AttributeKey.longKey("process.pid"), ProcessHandle.current().pid())
                .put("process.runtime.name", System.getProperty("java.runtime.name", "java"))
                .put("process.runtime.version", System.getProperty("java.runtime.version", ""))
                .put("service.name", config.serviceName())
                .put("service.instance.id", config.instanceId());
        if (!config.serviceVersion().isEmpty()) {
            ours.put("service.version", config.serviceVersion());
        }
        if (!config.environment().isEmpty()) {
            ours.put("deployment.environment.name", config.environment());
        }
        return Resource.getDefault()
                .merge(Resource.create(fromEnvironment.build()))
                .merge(Resource.create(ours.build()));
    }

    /** The kernel's host name first: {@link InetAddress#getLocalHost()} may wait on DNS. */
    static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: try the next source
        }
        String env = System.getenv("HOSTNAME");
        if (env == null || env.isBlank()) {
            env = System.getenv("COMPUTERNAME");
        }
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
