package io.leakwatch.ingest;

/**
 * A whole OTLP payload was refused: it is not a metrics export request, or it exceeds a limit. The message
 * is the reason, written to be shown to the sender (HTTP body, DLQ header); it never contains payload
 * bytes beyond a short excerpt.
 */
public final class PayloadRejectedException extends RuntimeException {
    private final boolean tooLarge;

    public PayloadRejectedException(String reason, boolean tooLarge, Throwable cause) {
        super(reason, cause, false, false);
        this.tooLarge = tooLarge;
    }

    public PayloadRejectedException(String reason, boolean tooLarge) {
        this(reason, tooLarge, null);
    }

    /** True when the payload was refused for its size (bytes or point count), not its content. */
    public boolean tooLarge() {
        return tooLarge;
    }
}
