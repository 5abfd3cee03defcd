package io.leakwatch.ingest.jfr;

/**
 * Bounds and threads for JFR snapshot ingest, validated at construction.
 *
 * @param maxEnvelopeBytes     largest envelope accepted (HTTP body or Kafka record value); bigger gets 413 / DLQ
 * @param maxRecordingBytes    largest {@code .jfr} file after decompression; cuts off a gzip bomb
 * @param maxOldObjects        old-object samples kept per snapshot (JFR keeps 256 by default)
 * @param maxAllocationSamples allocation samples kept per snapshot; the rest are counted, not stored
 * @param maxFrames            top frames kept per stack
 * @param workerThreads        threads that parse recordings (never the event loop)
 * @param maxInFlight          envelopes being parsed at once over HTTP; more get 503 with Retry-After
 * @param topic                Kafka topic of JFR envelopes
 */
public record JfrIngestConfig(int maxEnvelopeBytes, long maxRecordingBytes, int maxOldObjects,
                              int maxAllocationSamples, int maxFrames, int workerThreads, int maxInFlight,
                              String topic) {
    public static final int DEFAULT_MAX_ENVELOPE_BYTES = 16 * 1024 * 1024;
    public static final String DEFAULT_TOPIC = "leakwatch.jfr";

    public JfrIngestConfig {
        if (maxEnvelopeBytes < 1024 || maxEnvelopeBytes > 256 * 1024 * 1024) {
            throw new IllegalArgumentException("jfr.maxEnvelopeBytes must be 1 KiB..256 MiB, was " + maxEnvelopeBytes);
        }
        if (maxRecordingBytes < maxEnvelopeBytes || maxRecordingBytes > 4L * 1024 * 1024 * 1024) {
            throw new IllegalArgumentException("jfr.maxRecordingBytes must be maxEnvelopeBytes..4 GiB, was "
                    + maxRecordingBytes);
        }
        if (maxOldObjects < 1 || maxAllocationSamples < 0 || maxFrames < 1 || maxFrames > 256) {
            throw new IllegalArgumentException("jfr sample limits out of range: oldObjects=" + maxOldObjects
                    + " allocationSamples=" + maxAllocationSamples + " frames=" + maxFrames);
        }
        if (workerThreads < 1 || workerThreads > 64 || maxInFlight < 1) {
            throw new IllegalArgumentException("jfr.workerThreads must be 1..64 and jfr.maxInFlight >= 1");
        }
        if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("jfr.topic is not a valid topic name: " + topic);
        }
    }

    public static JfrIngestConfig defaults() {
        return new JfrIngestConfig(DEFAULT_MAX_ENVELOPE_BYTES, 256L * 1024 * 1024, 10_000, 200_000, 32, 2, 4,
                DEFAULT_TOPIC);
    }
}
