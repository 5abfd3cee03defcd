package io.leakwatch.wire;

/**
 * Bytes that are not a valid {@link JfrEnvelope}: wrong magic, unknown version or compression, a length
 * beyond its bound, truncation, or trailing bytes. The message is the reason, fit to show to the sender or
 * put in a dead-letter header; it never contains payload bytes.
 */
public final class MalformedEnvelopeException extends RuntimeException {
    private final boolean tooLarge;

    public MalformedEnvelopeException(String reason, boolean tooLarge) {
        super(reason, null, false, false);
        this.tooLarge = tooLarge;
    }

    /** True when the envelope was refused for a size over a limit rather than for its shape. */
    public boolean tooLarge() {
        return tooLarge;
    }
}
