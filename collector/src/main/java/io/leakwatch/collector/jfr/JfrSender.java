package io.leakwatch.collector.jfr;

/**
 * Ships one encoded JFR envelope; blocking, bounded by the sender's timeout; throws when it was not delivered:
 * {@link RejectedException} when the destination will never take this envelope (retrying is pointless), any
 * other exception when a later attempt may succeed.
 */
public interface JfrSender extends AutoCloseable {
    void send(byte[] envelope) throws Exception;

    @Override
    void close();

    /** The destination refused the envelope for good (too large, malformed, not authorised). */
    final class RejectedException extends Exception {
        public RejectedException(String message) {
            super(message);
        }
    }
}
