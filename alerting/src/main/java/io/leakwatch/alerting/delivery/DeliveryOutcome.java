package io.leakwatch.alerting.delivery;

/** How a delivery ended. */
public enum DeliveryOutcome {
    /** The endpoint accepted the message. */
    DELIVERED,
    /** A failure that retrying cannot fix (a 4xx other than 408/429, an error code in a 200 reply). */
    FAILED,
    /** Retryable failures until the maximum number of attempts. */
    GAVE_UP,
    /** The target was refused by the {@link WebhookTargetValidator}; nothing was sent. */
    REJECTED
}
