package io.leakwatch.alerting.delivery;

/** A webhook URL that the {@link WebhookTargetValidator} refuses; the message names the redacted target and why. */
public final class TargetRejectedException extends RuntimeException {

    public TargetRejectedException(String message) {
        super(message);
    }
}
