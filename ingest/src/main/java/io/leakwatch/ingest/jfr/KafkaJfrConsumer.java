package io.leakwatch.ingest.jfr;

import io.leakwatch.ingest.IngestConfig;
import io.leakwatch.ingest.IngestTelemetry;
import io.leakwatch.ingest.PartitionBatchConsumer;
import io.leakwatch.ingest.PayloadRejectedException;
import io.leakwatch.store.jfr.JfrSnapshotRows;
import io.leakwatch.wire.JfrEnvelopeCodec;
import io.leakwatch.wire.MalformedEnvelopeException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Consumes JFR snapshot envelopes from Kafka (topic {@code leakwatch.jfr}, key {@code service.instance.id}) in a
 * consumer group of its own ({@code <groupId>.jfr}, so it never rebalances the metrics consumer), parses the
 * recordings on a worker pool with {@link JfrSnapshotDecoder} and writes them with a {@link JfrSnapshotSink},
 * at least once and without duplicates in the store. It is {@code KafkaMetricsConsumer}'s design applied to
 * JFR records: both are {@link PartitionBatchConsumer}s, each with its own group, thread and clients.
 *
 * <p>How that guarantee holds, per partition, on one thread named {@value #THREAD_NAME}: see
 * {@link PartitionBatchConsumer}, which also gives the accessors and {@link #close()}. In short, before
 * inserting a batch {@code [min, max]} the consumer commits an <em>intent</em> (offset {@code min}, metadata
 * {@code leakwatch:min-max}), inserts it with dedup token {@code topic-partition-min-max}, and only then
 * commits {@code max+1}; the next owner of the partition replays an unconfirmed batch cut at exactly the
 * same offsets, so ClickHouse drops it if it did land.
 *
 * <p>Failures: a record that is not a valid envelope, or whose recording is corrupt, truncated or over a
 * limit, goes to the dead-letter topic with its original bytes and headers naming source topic, partition,
 * offset and the reason; it is counted and the consumer goes on. A parse that fails for another reason (a
 * bug, or an I/O problem with the temp directory) puts the batch back, uncommitted, to be parsed again. A
 * retryable store error pauses the partition and retries the same batch (same token) after a capped,
 * jittered exponential backoff; a non-retryable one dead-letters the batch's records and commits; any other
 * writer exception retries the same batch, uncommitted: an unknown failure never skips data. Memory: at most
 * {@value #MAX_POLL_RECORDS} envelopes per partition per poll ({@code max.poll.records}, tunable through the
 * client properties) plus, while replaying an intent, the records up to its end.
 *
 * <p>A broker that is unreachable at start-up is not an error here: the client keeps reconnecting, and one
 * warning is logged if no partition is assigned after 15 s. {@link #close()} wakes the poll and closes both
 * clients within {@code closeTimeout}, then stops the parsers.
 */
public final class KafkaJfrConsumer extends PartitionBatchConsumer<JfrSnapshotRows> {
    public static final String THREAD_NAME = "leakwatch-kafka-jfr";
    /** Envelopes per poll: each may be megabytes, and a batch is parsed before it is written. */
    static final int MAX_POLL_RECORDS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(KafkaJfrConsumer.class);

    private KafkaJfrConsumer(IngestConfig.KafkaConfig config, Spec<JfrSnapshotRows> spec, IngestTelemetry telemetry) {
        super(config, spec, telemetry);
    }

    /** Creates the consumer and starts its thread; it connects and joins the group in the background. */
    public static KafkaJfrConsumer start(IngestConfig.KafkaConfig config, JfrSnapshotDecoder decoder,
                                         JfrSnapshotSink writer) {
        return start(config, decoder, writer, IngestTelemetry.noop());
    }

    /** As {@link #start(IngestConfig.KafkaConfig, JfrSnapshotDecoder, JfrSnapshotSink)}, reporting to {@code telemetry}. */
    public static KafkaJfrConsumer start(IngestConfig.KafkaConfig config, JfrSnapshotDecoder decoder,
                                         JfrSnapshotSink writer, IngestTelemetry telemetry) {
        // Parsing a recording takes far longer than reading it from Kafka: the batch's envelopes are parsed
        // in parallel, off the consumer thread, which only waits for the results in offset order.
        ExecutorService parsers = Executors.newFixedThreadPool(decoder.config().workerThreads(),
                daemonThreads("leakwatch-jfr-parse-"));
        Hooks hooks = new Hooks() {
            @Override
            public void inserted(int rows) {
                telemetry.jfrSnapshots(IngestTelemetry.Source.KAFKA_JFR, rows, true);
            }

            @Override
            public void deadLettered() {
                telemetry.jfrSnapshots(IngestTelemetry.Source.KAFKA_JFR, 1, false);
            }

            @Override
            public void stopped() {
                parsers.shutdownNow();
            }
        };
        // Consumer lag is reported by the metrics consumer only: telemetry keeps one lag series per process.
        var spec = new Spec<JfrSnapshotRows>("Kafka JFR consumer", LOG, THREAD_NAME,
                "leakwatch-ingest-jfr-", decoder.config().topic(), config.groupId() + ".jfr",
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(MAX_POLL_RECORDS)),
                IngestTelemetry.Source.KAFKA_JFR, false, r -> parse(parsers, decoder, r), writer::write, hooks);
        KafkaJfrConsumer c;
        try {
            c = new KafkaJfrConsumer(config, spec, telemetry);
        } catch (RuntimeException e) {
            parsers.shutdownNow();
            throw e;
        }
        c.startPolling();
        return c;
    }

    private static Decoding<JfrSnapshotRows> parse(ExecutorService parsers, JfrSnapshotDecoder decoder,
                                                   ConsumerRecord<byte[], byte[]> r) {
        Future<JfrSnapshotRows> parsed = parsers.submit(() ->
                decoder.decode(JfrEnvelopeCodec.decode(r.value(), decoder.config().maxEnvelopeBytes())));
        return () -> {
            try {
                return List.of(parsed.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof PayloadRejectedException rejected) {
                    throw rejected;
                }
                if (e.getCause() instanceof MalformedEnvelopeException malformed) {
                    throw new PayloadRejectedException(malformed.getMessage(), false, malformed);
                }
                throw new IllegalStateException("parsing " + r.topic() + "-" + r.partition() + "@" + r.offset()
                        + " failed: " + e.getCause(), e.getCause());
            }
        };
    }

    /** Snapshots written since start. */
    public long snapshotsWritten() {
        return rowsWritten();
    }
}
