package io.leakwatch.alerting.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * Delivery timing: timeouts, attempts and backoff. Backoff before retry n (n ≥ 1) is
 * {@code d = min(maxBackoff, initialBackoff × 2^(n-1))}, jittered uniformly within [d/2, d]; a 429's
 * {@code Retry-After} replaces it, capped at {@code maxRetryAfter}.
 *
 * @param connectTimeout   TCP/TLS connect timeout
 * @param requestTimeout   per-attempt timeout until the reply
 * @param maxAttempts      attempts in total, ≥ 1
 * @param initialBackoff   backoff before the first retry
 * @param maxBackoff       cap of the exponential backoff
 * @param maxRetryAfter    cap of a server's Retry-After
 * @param maxReplyBytes    how much of a reply body is kept (for error texts and robot error codes)
 */
public record DeliveryConfig(Duration connectTimeout, Duration requestTimeout, int maxAttempts,
                             Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter,
                             int maxReplyBytes) {

    /** 5 s connect, 10 s request, 4 attempts, 1 s → 30 s backoff, Retry-After up to 60 s, 16 KiB replies. */
    public static final DeliveryConfig DEFAULTS = new DeliveryConfig(Duration.ofSeconds(5), Duration.ofSeconds(10), 4,
            Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60), 16 * 1024);

    public DeliveryConfig {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("maxAttempts must be within 1..20");
        }
        if (maxReplyBytes < 0) {
            throw new IllegalArgumentException("maxReplyBytes must be non-negative");
        }
    }

    /** The backoff before retry {@code n} (1-based) for a jitter draw in [0, 1). */
    public Duration backoff(int n, double jitter) {
        long base = initialBackoff.toMillis();
        long d = n >= 31 ? maxBackoff.toMillis() : Math.min(maxBackoff.toMillis(), base * (1L << (n - 1)));
        return Duration.ofMillis(d / 2 + (long) (jitter * (d - d / 2)));
    }
}
