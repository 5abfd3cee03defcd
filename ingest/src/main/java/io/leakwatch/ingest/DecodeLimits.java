package io.leakwatch.ingest;

/**
 * Bounds on one OTLP payload, enforced before and while decoding so a hostile or broken sender cannot
 * make ingest allocate without limit.
 *
 * @param maxPayloadBytes          largest (uncompressed) payload accepted
 * @param maxDataPoints            most data points in one payload
 * @param maxAttributeValueChars   longer rendered attribute values are truncated to this many characters
 */
public record DecodeLimits(int maxPayloadBytes, int maxDataPoints, int maxAttributeValueChars) {

    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
    public static final int DEFAULT_MAX_DATA_POINTS = 200_000;
    public static final int DEFAULT_MAX_ATTRIBUTE_VALUE_CHARS = 4096;

    public DecodeLimits {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be > 0, was " + maxPayloadBytes);
        }
        if (maxDataPoints <= 0) {
            throw new IllegalArgumentException("maxDataPoints must be > 0, was " + maxDataPoints);
        }
        if (maxAttributeValueChars < 16) {
            throw new IllegalArgumentException("maxAttributeValueChars must be >= 16, was " + maxAttributeValueChars);
        }
    }

    public static DecodeLimits defaults() {
        return new DecodeLimits(DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_DATA_POINTS, DEFAULT_MAX_ATTRIBUTE_VALUE_CHARS);
    }
}
