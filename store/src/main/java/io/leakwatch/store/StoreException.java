package io.leakwatch.store;

/** A store operation failed. {@link #retryable()} is true only for errors known to be transient. */
public final class StoreException extends RuntimeException {
    private final boolean retryable;

    public StoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public StoreException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
