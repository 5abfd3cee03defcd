package io.leakwatch.ingest;

import java.time.Duration;

/**
 * Bounds on one OTLP payload, enforced before and while decoding so a hostile or broken sender cannot
 * make ingest allocate without limit.
 *
 * @param maxPayloadBytes          largest (uncompressed) payload accepted
 * @param maxDataPoints            most data points in one payload
 * @param maxAttributeValueChars   longer rendered attribute values are truncated to this many characters
 * @param retention                points older than this (by their time) are refused as rejected points, with a
 *                                 reason naming the retention: the store's TTL would delete them right away, so
 *                                 accepting them silently would be a silent loss. {@link Duration#ZERO}: no
 *                                 check (the default; the product passes the store's TTL, e.g.
 *                                 {@code DecodeLimits.defaults().withRetention(Duration.ofDays(ttlDays))})
 */
public record DecodeLimits(int maxPayloadBytes, int maxDataPoints, int maxAttributeValueChars, Duration retention) {

    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 32 * 1024 * 1024;
    public static final int DEFAULT_MAX_DATA_POINTS = 200_000;
    public static final int DEFAULT_MAX_ATTRIBUTE_VALUE_CHARS = 4096;

    /** Without a retention check. */
    public DecodeLimits(int maxPayloadBytes, int maxDataPoints, int maxAttributeValueChars) {
        this(maxPayloadBytes, maxDataPoints, maxAttributeValueChars, Duration.ZERO);
    }

    public DecodeLimits {
        if (retention == null || retention.isNegative() || retention.compareTo(Duration.ofDays(3650)) > 0) {
            throw new IllegalArgumentException("retention must be 0 (off) .. 3650 days, was " + retention);
        }
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

    /** These limits, refusing points older than {@code retention} ({@link Duration#ZERO}: no check). */
    public DecodeLimits withRetention(Duration retention) {
        return new DecodeLimits(maxPayloadBytes, maxDataPoints, maxAttributeValueChars, retention);
    }
}
