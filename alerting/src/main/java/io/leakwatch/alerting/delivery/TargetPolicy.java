package io.leakwatch.alerting.delivery;

/**
 * Which webhook destinations are allowed. Private ranges (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7)
 * are allowed by default because on-premises chat servers live there; loopback and link-local are refused
 * unless allowed here (tests allow loopback); cloud metadata endpoints and the unspecified address are
 * always refused.
 */
public record TargetPolicy(boolean allowLoopback, boolean allowLinkLocal, boolean allowPrivate) {

    /** The production default: private allowed, loopback and link-local refused. */
    public static final TargetPolicy DEFAULT = new TargetPolicy(false, false, true);

    /** For tests with in-process receivers on 127.0.0.1. */
    public static TargetPolicy allowingLoopback() {
        return new TargetPolicy(true, false, true);
    }
}
