package io.leakwatch.ingest;

import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.StoreException;
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
 * Consumes OTLP protobuf records from Kafka (the LeakWatch agent's, or the OpenTelemetry Collector's
 * Kafka exporter with {@code otlp_proto}) in a consumer group and writes them to the store,
 * at least once and without duplicates in the store.
 *
 * <p>How that guarantee holds, per partition, on one thread named {@value #THREAD_NAME} (records are decoded
 * on {@link #DECODE_THREADS} daemon threads {@code leakwatch-otlp-decode-N}, stopped with the consumer): see
 * {@link PartitionBatchConsumer}, which also gives the accessors and {@link #close()}. In short, before
 * inserting a batch {@code [min, max]} the consumer commits an <em>intent</em> (offset {@code min}, metadata
 * {@code leakwatch:min-max}), inserts it with dedup token {@code topic-partition-min-max}, and only then
 * commits {@code max+1}; the next owner of the partition replays an unconfirmed batch cut at exactly the
 * same offsets, so ClickHouse drops it if it did land.
 *
 * <p>Failures: a record that is not an OTLP metrics request goes to the dead-letter topic with its
 * original bytes and headers naming source topic, partition, offset and the reason; it is counted and
 * the consumer goes on. A retryable store error pauses the partition and retries the same batch (same
 * token) after a capped, jittered exponential backoff; a non-retryable one dead-letters the batch's records
 * and commits; any other writer exception retries the same batch, uncommitted: an unknown failure never
 * skips data. Points refused inside an accepted request are counted, not dead-lettered. Batches: a partition's
 * records are inserted once {@code batchMaxRecords} are buffered or the oldest waited {@code batchMaxDelay}
 * (see {@link PartitionBatchConsumer.Batching}). Memory: about twice {@code batchMaxRecords} records per
 * partition plus one poll, and, while replaying an intent, the records up to its end. Consumer lag is reported
 * to the telemetry.
 *
 * <p>A broker that is unreachable at start-up is not an error here: the client keeps reconnecting, and one
 * warning is logged if no partition is assigned after 15 s. {@link #close()} wakes the poll and closes both
 * clients within {@code closeTimeout}.
 */
public final class KafkaMetricsConsumer extends PartitionBatchConsumer<MetricRow> {
    public static final String THREAD_NAME = "leakwatch-kafka-metrics";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaMetricsConsumer.class);

    /**
     * Client defaults that feed big batches ({@link IngestConfig.KafkaConfig#batchMaxRecords()}; every insert makes
     * a part in the table and in each rollup, so small inserts cost the store far more per row): up to 2,000
     * records a poll, fetches that wait up to 200 ms for 1 MiB. The client properties of the config override them.
     */
    static final Map<String, Object> BATCHING_DEFAULTS = Map.of(
            "max.poll.records", "2000",
            "fetch.min.bytes", Integer.toString(1 << 20),
            "fetch.max.wait.ms", "200",
            "fetch.max.bytes", Integer.toString(32 << 20),
            "max.partition.fetch.bytes", Integer.toString(8 << 20));

    /** Decoding threads: one per core; the consumer thread itself only waits while they run. */
    static final int DECODE_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private KafkaMetricsConsumer(IngestConfig.KafkaConfig config, Spec<MetricRow> spec, IngestTelemetry telemetry) {
        super(config, spec, telemetry);
    }

    /** Creates the consumer and starts its thread; it connects and joins the group in the background. */
    public static KafkaMetricsConsumer start(IngestConfig.KafkaConfig config, OtlpMetricsDecoder decoder,
                                             MetricWriter writer) {
        return start(config, decoder, writer, IngestTelemetry.noop());
    }

    /** As {@link #start(IngestConfig.KafkaConfig, OtlpMetricsDecoder, MetricWriter)}, reporting to {@code telemetry}. */
    public static KafkaMetricsConsumer start(IngestConfig.KafkaConfig config, OtlpMetricsDecoder decoder,
                                             MetricWriter writer, IngestTelemetry telemetry) {
        // Since points are stored by series id the insert is no longer most of a batch's cost: decoding a
        // record and preparing its rows for the writer is about as much (1-2 µs a point), so a batch's records are
        // decoded and prepared in parallel, off the consumer thread, which waits for the results in offset order,
        // joins them and then inserts.
        ExecutorService decoders = Executors.newFixedThreadPool(DECODE_THREADS, daemonThreads("leakwatch-otlp-decode-"));
        Hooks hooks = new Hooks() {
            @Override
            public void stopped() {
                decoders.shutdownNow();
            }
        };
        RecordDecoder<MetricRow> recordDecoder = new RecordDecoder<>() {
            @Override
            public Decoding<MetricRow> start(ConsumerRecord<byte[], byte[]> r) {
                return decodeOn(decoders, decoder, writer, telemetry, r);
            }

            @Override
            public List<MetricRow> join(List<List<MetricRow>> parts) {
                return writer.join(parts);
            }
        };
        var spec = new Spec<>("Kafka metrics consumer", LOG, THREAD_NAME,
                "leakwatch-ingest-", config.metricsTopic(), config.groupId(), BATCHING_DEFAULTS,
                IngestTelemetry.Source.KAFKA_METRICS, true, recordDecoder,
                writer::write, hooks, new Batching(config.batchMaxRecords(), config.batchMaxDelay()));
        KafkaMetricsConsumer c;
        try {
            c = new KafkaMetricsConsumer(config, spec, telemetry);
        } catch (RuntimeException e) {
            decoders.shutdownNow();
            throw e;
        }
        c.startPolling();
        return c;
    }

    private static Decoding<MetricRow> decodeOn(ExecutorService decoders, OtlpMetricsDecoder decoder, MetricWriter writer,
                                                IngestTelemetry telemetry, ConsumerRecord<byte[], byte[]> r) {
        // the writer's preparation (series ids, encoding) runs here too, while the rows are in this core's caches
        Future<List<MetricRow>> decoded = decoders.submit(() -> prepare(writer, decode(decoder, telemetry, r)));
        return () -> {
            try {
                return decoded.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof PayloadRejectedException rejected) {
                    throw rejected;
                }
                throw new IllegalStateException("decoding " + r.topic() + "-" + r.partition() + "@" + r.offset()
                        + " failed: " + e.getCause(), e.getCause());
            }
        };
    }

    /** A record whose rows the store cannot take (it could not encode them) goes to the dead-letter topic alone. */
    private static List<MetricRow> prepare(MetricWriter writer, List<MetricRow> rows) {
        try {
            return writer.prepare(rows);
        } catch (StoreException e) {
            if (e.retryable()) {
                throw e;
            }
            throw new PayloadRejectedException("store cannot take the rows: " + e.getMessage(), false, e);
        }
    }

    private static List<MetricRow> decode(OtlpMetricsDecoder decoder, IngestTelemetry telemetry,
                                          ConsumerRecord<byte[], byte[]> r) {
        DecodedMetrics decoded = decoder.decodeProtobuf(r.value());
        telemetry.pointsRejected(IngestTelemetry.Source.KAFKA_METRICS, decoded.rejectedPoints());
        if (decoded.rejectedPoints() > 0) {
            LOG.debug("{} points refused in {}-{}@{}: {}", decoded.rejectedPoints(), r.topic(), r.partition(),
                    r.offset(), decoded.rejectionReason());
        }
        return decoded.rows();
    }
}
