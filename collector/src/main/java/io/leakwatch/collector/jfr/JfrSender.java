package io.leakwatch.collector.jfr;

/** Ships one encoded JFR envelope; blocking, bounded by the sender's timeout; throws when it was not delivered. */
public interface JfrSender extends AutoCloseable {
    void send(byte[] envelope) throws Exception;

    @Override
    void close();
}
