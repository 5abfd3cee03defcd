package io.leakwatch.wire;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One JFR snapshot as it travels from a collector to ingest (Kafka topic {@code leakwatch.jfr}, or
 * {@code POST /v1/jfr}): the resource attributes of the JVM that recorded it ({@code service.name},
 * {@code service.version}, {@code service.instance.id}, {@code host.name}, …), when the recording started and
 * ended, and the {@code .jfr} bytes, compressed as {@link #compression()} says. {@link JfrEnvelopeCodec}
 * writes and reads it.
 *
 * <p>Immutable: the attribute map is an unmodifiable copy in insertion order; the payload array is not copied
 * (it can be megabytes) and must not be changed by the caller after construction.
 *
 * @param resource        resource attributes, at most {@link JfrEnvelopeCodec#MAX_ATTRIBUTES}
 * @param startMillis     recording start, epoch milliseconds
 * @param endMillis       recording end (dump time), epoch milliseconds, not before the start
 * @param compression     how {@code payload} is compressed
 * @param payload         the (compressed) {@code .jfr} file
 */
public record JfrEnvelope(Map<String, String> resource, long startMillis, long endMillis,
                          JfrCompression compression, byte[] payload) {
    public static final String SERVICE_NAME = "service.name";
    public static final String SERVICE_VERSION = "service.version";
    public static final String SERVICE_INSTANCE_ID = "service.instance.id";
    public static final String HOST_NAME = "host.name";

    public JfrEnvelope {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(payload, "payload");
        if (endMillis < startMillis) {
            throw new IllegalArgumentException("recording ends (" + endMillis + ") before it starts (" + startMillis + ")");
        }
        resource = Collections.unmodifiableMap(new LinkedHashMap<>(resource));
    }

    /** A resource attribute, or "" when absent. */
    public String attribute(String key) {
        return resource.getOrDefault(key, "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JfrEnvelope e && startMillis == e.startMillis && endMillis == e.endMillis
                && compression == e.compression && resource.equals(e.resource) && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resource, startMillis, endMillis, compression, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "JfrEnvelope[resource=" + resource + ", startMillis=" + startMillis + ", endMillis=" + endMillis
                + ", compression=" + compression + ", payload=" + payload.length + " bytes]";
    }
}
