package io.leakwatch.store;

/** One monitored process as last seen: identity from its resource attributes, and when it reported. */
public record InstanceInfo(
        String instance,
        String service,
        String version,
        String host,
        String environment,
        long firstSeenMillis,
        long lastSeenMillis,
        long points) {
}
