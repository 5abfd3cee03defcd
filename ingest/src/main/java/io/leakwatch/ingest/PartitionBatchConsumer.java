package io.leakwatch.ingest;

import io.leakwatch.store.StoreException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consumes one Kafka topic in a consumer group, one batch per partition, and writes each batch to the store
 * at least once and without duplicates in the store. What a record decodes to and how a batch is written
 * are given by the subclass ({@link KafkaMetricsConsumer}, {@code KafkaJfrConsumer}) as a {@link Spec};
 * everything else lives here. A subclass adds only its own public {@code start(...)} methods.
 *
 * <p>How that guarantee holds, per partition (the consumer runs on one thread of its own; when several
 * partitions have a batch ready, their inserts run side by side on up to {@link #WRITE_THREADS} writer threads and
 * the consumer thread waits for all of them before it commits):
 * <ol>
 *   <li>The records of a poll form one batch per partition, {@code [min, max]}. Before inserting, the
 *   consumer commits an <em>intent</em>: offset {@code min} (no progress) with metadata
 *   {@code leakwatch:min-max}.</li>
 *   <li>The batch is one insert with dedup token {@code topic-partition-min-max}.</li>
 *   <li>Only after the insert succeeded is offset {@code max+1} committed.</li>
 * </ol>
 * Whoever owns the partition next (this process after a restart, or another replica after a rebalance)
 * reads the intent from the committed metadata and cuts its first batch at exactly {@code max} again, so
 * a replay carries the same token and ClickHouse drops it if the first insert did land. Without the
 * intent, a replay would be cut wherever its poll happened to end and could store rows twice.
 *
 * <p>Failures: a record without a value, or one its decoder refuses ({@link PayloadRejectedException}), goes
 * to the dead-letter topic with its original bytes and headers naming source topic, partition, offset and
 * the reason; it is counted and the consumer goes on. Any other decoding failure puts the batch back,
 * uncommitted, to be decoded again after a backoff. A retryable store error pauses the partition and
 * retries the same batch (same token) after a capped, jittered exponential backoff, so nothing is lost and
 * memory stays at one batch per partition. A non-retryable store error sends every record of the batch to
 * the dead-letter topic with the error as reason, then commits: the data has a visible home and the
 * partition is not blocked forever. Any other exception from the writer (a bug, not a
 * {@code StoreException}) is logged once and the same batch is retried after a backoff, uncommitted: an
 * unknown failure never skips data. On revocation, an unwritten batch is abandoned uncommitted (its intent
 * stays, so the next owner replays it with the same token). Memory: at most one poll's records per
 * partition ({@code max.poll.records}) plus, while replaying an intent, the records up to its end.
 *
 * <p>A broker that is unreachable at start-up is not an error here: the client keeps reconnecting (its
 * own log line at most every 10 s), and this class logs one warning if no partition is assigned after
 * 15 s. {@link #close()} wakes the poll and closes both clients within {@code closeTimeout}.
 *
 * @param <T> what a record decodes to and a batch insert takes: metric rows, JFR snapshots
 */
public abstract class PartitionBatchConsumer<T> implements AutoCloseable {
    public static final String HEADER_SOURCE_TOPIC = "leakwatch.dlq.source.topic";
    public static final String HEADER_SOURCE_PARTITION = "leakwatch.dlq.source.partition";
    public static final String HEADER_SOURCE_OFFSET = "leakwatch.dlq.source.offset";
    public static final String HEADER_REASON = "leakwatch.dlq.reason";

    static final String INTENT_PREFIX = "leakwatch:";
    private static final Duration NOT_ASSIGNED_WARNING_AFTER = Duration.ofSeconds(15);
    private static final Duration DLQ_SEND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LAG_REPORT_INTERVAL = Duration.ofSeconds(1);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Batches inserted side by side at most: one per core (an insert keeps about one core busy). */
    static final int WRITE_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    /** Starts decoding one record's value (never null). */
    @FunctionalInterface
    public interface RecordDecoder<T> {
        /**
         * Called for every record of a batch before any result is asked for, in offset order, so the work
         * may run elsewhere in parallel; on the consumer thread, so it must not block for long.
         */
        Decoding<T> start(ConsumerRecord<byte[], byte[]> record);

        /** A batch's rows from its records' rows, in offset order; by default they are concatenated. */
        default List<T> join(List<List<T>> parts) {
            List<T> all = new ArrayList<>(parts.stream().mapToInt(List::size).sum());
            parts.forEach(all::addAll);
            return all;
        }
    }

    /** One record's decoding under way. */
    @FunctionalInterface
    public interface Decoding<T> {
        /**
         * The record's rows. {@link PayloadRejectedException}: the record goes to the dead-letter topic with
         * the exception's message as reason. Any other exception puts the whole batch back, uncommitted.
         */
        List<T> rows() throws InterruptedException;
    }

    /** Writes one batch as one insert; the token makes a replay of the same batch a no-op in the store. */
    @FunctionalInterface
    public interface BatchWriter<T> {
        void write(List<T> rows, String dedupToken);
    }

    /** What an owner adds to the shared telemetry and shutdown; every method does nothing by default. */
    public interface Hooks {
        Hooks NONE = new Hooks() { };

        /** After a successful insert of {@code rows} rows. */
        default void inserted(int rows) {
        }

        /** After one record reached the dead-letter topic. */
        default void deadLettered() {
        }

        /** On the consumer thread, after both clients are closed. */
        default void stopped() {
        }
    }

    /**
     * What differs between the consumers of one process.
     *
     * @param name             for log lines, e.g. "Kafka metrics consumer"
     * @param log              the owner's logger, so log lines keep the owner's category
     * @param threadName       the consumer thread's name
     * @param clientIdPrefix   Kafka client id before the pid and instance number
     * @param topic            the one topic consumed
     * @param groupId          the consumer group
     * @param consumerDefaults client properties that {@code clientProperties} of the config may override
     * @param source           the telemetry source of every count
     * @param reportsLag       whether consumer lag is reported to telemetry (one topic per process does)
     * @param batching         when a partition's buffered records become a batch
     */
    public record Spec<T>(String name, Logger log, String threadName, String clientIdPrefix, String topic, String groupId,
                          Map<String, Object> consumerDefaults, IngestTelemetry.Source source, boolean reportsLag,
                          RecordDecoder<T> decoder, BatchWriter<T> writer, Hooks hooks, Batching batching) {
        /** With {@link Batching#PER_POLL}. */
        public Spec(String name, Logger log, String threadName, String clientIdPrefix, String topic, String groupId,
                    Map<String, Object> consumerDefaults, IngestTelemetry.Source source, boolean reportsLag,
                    RecordDecoder<T> decoder, BatchWriter<T> writer, Hooks hooks) {
            this(name, log, threadName, clientIdPrefix, topic, groupId, consumerDefaults, source, reportsLag, decoder,
                    writer, hooks, Batching.PER_POLL);
        }

        public Spec {
            Objects.requireNonNull(batching);
            Objects.requireNonNull(name);
            Objects.requireNonNull(log);
            Objects.requireNonNull(threadName);
            Objects.requireNonNull(clientIdPrefix);
            Objects.requireNonNull(topic);
            Objects.requireNonNull(groupId);
            consumerDefaults = Map.copyOf(consumerDefaults);
            Objects.requireNonNull(source);
            Objects.requireNonNull(decoder);
            Objects.requireNonNull(writer);
            Objects.requireNonNull(hooks);
        }
    }

    /**
     * A partition's buffered records become one batch when {@code maxRecords} are buffered (the batch takes the
     * first {@code maxRecords}) or when the oldest has waited {@code maxDelay}. A partition whose buffer reaches
     * twice {@code maxRecords} is paused until a batch of it is written, so memory stays bounded even when one
     * poll brings more than a batch.
     */
    public record Batching(int maxRecords, Duration maxDelay) {
        /** Every poll's records of a partition form one batch, however few (the JFR consumer's choice). */
        public static final Batching PER_POLL = new Batching(Integer.MAX_VALUE, Duration.ZERO);

        public Batching {
            if (maxRecords < 1) {
                throw new IllegalArgumentException("batch maxRecords must be > 0, was " + maxRecords);
            }
            Objects.requireNonNull(maxDelay);
        }
    }

    private final IngestConfig.KafkaConfig config;
    private final Spec<T> spec;
    private final Logger log;
    private final IngestTelemetry telemetry;
    private final Thread thread;
    private final String clientId;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Map<TopicPartition, PartitionState<T>> partitions = new HashMap<>();
    private final AtomicLong recordsConsumed = new AtomicLong();
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong storeRetries = new AtomicLong();
    private long lastLagReportNanos;
    private volatile int assignedPartitions;
    private volatile boolean joinedGroup;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    /** Runs the inserts of several partitions' batches side by side; only between start and stop of the loop. */
    private ExecutorService writers;

    /** Builds the consumer; nothing connects until {@link #startPolling()}. */
    protected PartitionBatchConsumer(IngestConfig.KafkaConfig config, Spec<T> spec, IngestTelemetry telemetry) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("Kafka consumer needs kafka.bootstrapServers");
        }
        this.config = config;
        this.spec = spec;
        this.log = spec.log();
        this.telemetry = telemetry;
        this.clientId = spec.clientIdPrefix() + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
        this.thread = new Thread(this::run, spec.threadName());
        this.thread.setDaemon(true);
    }

    /**
     * Starts the consumer thread; it connects and joins the group in the background. Called by the
     * subclass's factory once the object is built, so the thread never sees a half-constructed consumer.
     */
    protected final void startPolling() {
        thread.start();
    }

    /** True while this member owns at least one partition. */
    public final boolean assigned() {
        return assignedPartitions > 0;
    }

    /**
     * True once this member has joined its group (it may own no partition, e.g. with more replicas than
     * partitions); false again after it stopped. For readiness.
     */
    public final boolean joinedGroup() {
        return joinedGroup;
    }

    public final long recordsConsumed() {
        return recordsConsumed.get();
    }

    /** Rows in successful inserts since start. */
    public final long rowsWritten() {
        return rowsWritten.get();
    }

    /** Records sent to the dead-letter topic since start. */
    public final long deadLettered() {
        return deadLettered.get();
    }

    /** Batch inserts retried after a retryable store error. */
    public final long storeRetries() {
        return storeRetries.get();
    }

    /** Stops polling, abandons unwritten batches (uncommitted), and closes the clients; bounded by closeTimeout. */
    @Override
    public final void close() {
        running = false;
        stopRequested.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(config.closeTimeout().plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("{} did not stop within {}", spec.name(), config.closeTimeout());
        }
    }

    private Map<String, Object> consumerProps() {
        Map<String, Object> props = new HashMap<>();
        // Defaults that passthrough properties may override: fewer reconnect log lines while a broker is away.
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.putAll(spec.consumerDefaults());
        props.putAll(config.clientProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, spec.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-dlq");
        // Consumer-only settings in the shared passthrough map are harmless here: the producer ignores them.
        props.putAll(config.clientProperties());
        props.keySet().removeIf(k -> ConsumerConfig.configNames().contains(k) && !ProducerConfig.configNames().contains(k));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private void run() {
        long startNanos = System.nanoTime();
        boolean warnedNotAssigned = false;
        String lastError = null;
        int errorStreak = 0;
        try {
            consumer = new KafkaConsumer<>(consumerProps());
            producer = new KafkaProducer<>(producerProps());
            writers = Executors.newFixedThreadPool(WRITE_THREADS, daemonThreads(spec.threadName() + "-write-"));
            consumer.subscribe(List.of(spec.topic()), new Rebalance());
            log.info("{} started: topic {}, group {}, brokers {}",
                    spec.name(), spec.topic(), spec.groupId(), config.bootstrapServers());
            while (running) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(nextPollTimeout());
                    for (TopicPartition tp : records.partitions()) {
                        PartitionState<T> state = partitions.get(tp);
                        if (state != null) {
                            if (state.buffer.isEmpty()) {
                                state.firstBufferedNanos = System.nanoTime();
                            }
                            state.buffer.addAll(records.records(tp));
                            if (state.buffer.size() / 2 >= spec.batching().maxRecords()) {
                                consumer.pause(List.of(tp));
                            }
                            recordsConsumed.addAndGet(records.records(tp).size());
                            telemetry.recordsReceived(spec.source(), records.records(tp).size());
                        }
                    }
                    processPartitions();
                    if (spec.reportsLag()) {
                        reportLag();
                    }
                    if (lastError != null) {
                        log.info("{} recovered", spec.name());
                        lastError = null;
                        errorStreak = 0;
                    }
                    if (!warnedNotAssigned && assignedPartitions == 0
                            && System.nanoTime() - startNanos > NOT_ASSIGNED_WARNING_AFTER.toNanos()) {
                        warnedNotAssigned = true;
                        log.warn("{} has no partitions after {} s: brokers {} unreachable, topic {}"
                                        + " missing, or the group is still forming; still trying", spec.name(),
                                NOT_ASSIGNED_WARNING_AFTER.toSeconds(), config.bootstrapServers(), spec.topic());
                    }
                } catch (WakeupException | InterruptException e) {
                    // close() asked us to stop; the loop condition decides.
                    if (e instanceof InterruptException) {
                        break;
                    }
                } catch (RuntimeException e) {
                    // One line per distinct error, not a stack trace per poll.
                    String message = e.getClass().getSimpleName() + ": " + e.getMessage();
                    if (!message.equals(lastError)) {
                        log.warn("{} error, retrying: {}", spec.name(), message, lastError == null ? e : null);
                        lastError = message;
                    }
                    errorStreak++;
                    awaitStop(backoff(errorStreak));
                }
            }
        } catch (RuntimeException e) {
            log.error("{} could not start: {}", spec.name(), e.getMessage(), e);
        } finally {
            if (writers != null) {
                writers.shutdown(); // an insert under way ends on its own; its batch was not committed
            }
            partitions.clear();
            assignedPartitions = 0;
            joinedGroup = false;
            if (consumer != null) {
                try {
                    consumer.close(CloseOptions.timeout(config.closeTimeout()));
                } catch (RuntimeException e) {
                    log.warn("Kafka consumer close: {}", e.getMessage());
                }
            }
            if (producer != null) {
                producer.close(config.closeTimeout());
            }
            spec.hooks().stopped();
            log.info("{} stopped", spec.name());
        }
    }

    /**
     * At most once a second: the lag the client already knows from its last fetch (no broker round trip;
     * a partition not fetched yet has no known lag and is skipped).
     */
    private void reportLag() {
        long now = System.nanoTime();
        if (now - lastLagReportNanos < LAG_REPORT_INTERVAL.toNanos()) {
            return;
        }
        lastLagReportNanos = now;
        for (TopicPartition tp : partitions.keySet()) {
            consumer.currentLag(tp).ifPresent(lag -> telemetry.lag(tp.topic(), tp.partition(), lag));
        }
    }

    private Duration nextPollTimeout() {
        long now = System.nanoTime();
        long wait = config.pollTimeout().toNanos();
        for (PartitionState<T> s : partitions.values()) {
            if (s.batch != null) {
                wait = Math.min(wait, Math.max(0, s.nextAttemptNanos - now));
            } else if (!s.buffer.isEmpty()) {
                wait = Math.min(wait, Math.max(0, s.firstBufferedNanos + spec.batching().maxDelay().toNanos() - now));
            }
        }
        return Duration.ofNanos(wait);
    }

    private void processPartitions() {
        Map<TopicPartition, OffsetAndMetadata> intents = new HashMap<>();
        for (PartitionState<T> s : partitions.values()) {
            if (s.batch == null) {
                s.batch = cut(s);
            }
            if (s.batch != null && !s.batch.intentCommitted) {
                intents.put(s.tp, new OffsetAndMetadata(s.batch.min, INTENT_PREFIX + s.batch.min + "-" + s.batch.max));
            }
        }
        if (!intents.isEmpty()) {
            consumer.commitSync(intents);
            intents.keySet().forEach(tp -> partitions.get(tp).batch.intentCommitted = true);
        }
        long now = System.nanoTime();
        List<PartitionState<T>> due = new ArrayList<>();
        for (PartitionState<T> s : partitions.values()) {
            if (s.batch != null && s.batch.intentCommitted && now >= s.nextAttemptNanos) {
                due.add(s);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        List<String> retryReasons = attempts(due);
        for (int i = 0; i < due.size(); i++) {
            PartitionState<T> s = due.get(i);
            if (retryReasons.get(i) == null) {
                done.put(s.tp, new OffsetAndMetadata(s.batch.max + 1, ""));
            } else {
                retryLater(s, token(s), retryReasons.get(i));
            }
        }
        if (!done.isEmpty()) {
            consumer.commitSync(done);
            List<TopicPartition> resume = new ArrayList<>();
            for (TopicPartition tp : done.keySet()) {
                PartitionState<T> s = partitions.get(tp);
                rowsWritten.addAndGet(s.batch.rows.size());
                s.batch = null;
                s.attempts = 0;
                s.nextAttemptNanos = 0;
                resume.add(tp);
            }
            resume.retainAll(consumer.paused());
            if (!resume.isEmpty()) {
                consumer.resume(resume);
            }
        }
    }

    /**
     * The next batch of a partition, or null when there is none yet. A batch whose intent was found in
     * the committed metadata is reproduced exactly, which may mean waiting for more records.
     */
    private Batch<T> cut(PartitionState<T> s) {
        if (s.buffer.isEmpty()) {
            return null;
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long[] intent = s.intent;
        long min;
        long max;
        if (s.intent != null) {
            if (consumer.position(s.tp) <= s.intent[1]) {
                return null;
            }
            while (!s.buffer.isEmpty() && s.buffer.peekFirst().offset() <= s.intent[1]) {
                records.add(s.buffer.pollFirst());
            }
            min = s.intent[0];
            max = s.intent[1];
            s.intent = null;
        } else {
            Batching batching = spec.batching();
            if (s.buffer.size() < batching.maxRecords()
                    && System.nanoTime() - s.firstBufferedNanos < batching.maxDelay().toNanos()) {
                return null; // not full, not old enough: wait for more, up to maxDelay
            }
            int n = Math.min(s.buffer.size(), batching.maxRecords());
            for (int i = 0; i < n; i++) {
                records.add(s.buffer.pollFirst());
            }
            // What stays behind waits from now: it could not have gone into this batch anyway.
            s.firstBufferedNanos = System.nanoTime();
            min = records.getFirst().offset();
            max = records.getLast().offset();
        }
        Batch<T> batch = new Batch<>(min, max, records);
        // Every record is started before any result is asked for, so a decoder may work on them in parallel.
        List<Decoding<T>> decodings = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            decodings.add(r.value() == null ? null : spec.decoder().start(r));
        }
        List<List<T>> parts = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = records.get(i);
            if (decodings.get(i) == null) {
                batch.deadLetters.add(new DeadLetter(r, "record has no value"));
                continue;
            }
            try {
                parts.add(decodings.get(i).rows());
            } catch (PayloadRejectedException e) {
                batch.deadLetters.add(new DeadLetter(r, e.getMessage()));
            } catch (InterruptedException e) {
                putBack(s, records, intent);
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            } catch (RuntimeException e) {
                // Not a verdict on the record (a bug, or an I/O problem of the decoder): put the records back,
                // uncommitted, so the next round decodes them again; no silent skip.
                putBack(s, records, intent);
                throw e;
            }
        }
        try {
            batch.rows = spec.decoder().join(parts);
        } catch (RuntimeException e) {
            putBack(s, records, intent);
            throw e;
        }
        return batch;
    }

    private static <T> void putBack(PartitionState<T> s, List<ConsumerRecord<byte[], byte[]>> records, long[] intent) {
        for (int j = records.size() - 1; j >= 0; j--) {
            s.buffer.addFirst(records.get(j));
        }
        s.intent = intent;
    }

    /**
     * Tries the due partitions' batches, each on its own writer thread when there are several (their inserts then
     * use the cores side by side), and waits for all; per batch in order, null when it is written (or
     * dead-lettered) and may be committed, else why it is to be retried. The consumer itself is only touched here,
     * on its own thread, after the attempts. An unexpected writer exception (a bug, not a {@code StoreException})
     * is rethrown once every attempt has ended, so nothing of this round is committed (a landed batch's replay is
     * dropped by its token).
     */
    private List<String> attempts(List<PartitionState<T>> due) {
        if (due.size() <= 1 || writers == null) {
            List<String> out = new ArrayList<>();
            due.forEach(s -> out.add(attempt(s)));
            return out;
        }
        List<Future<String>> running = new ArrayList<>();
        due.forEach(s -> running.add(writers.submit(() -> attempt(s))));
        List<String> out = new ArrayList<>();
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<String> f : running) {
            try {
                out.add(interrupted ? null : f.get());
            } catch (InterruptedException e) {
                interrupted = true; // stop waiting; the writers end their inserts on their own
                out.add(null);
            } catch (ExecutionException e) {
                out.add(null);
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptException(new InterruptedException("closing"));
        }
        if (failure != null) {
            throw failure;
        }
        return out;
    }

    private static String token(PartitionState<?> s) {
        return s.tp.topic() + "-" + s.tp.partition() + "-" + s.batch.min + "-" + s.batch.max;
    }

    /**
     * Tries one batch, off the consumer thread when several are due: null when it is written (or dead-lettered)
     * and may be committed, else the reason to retry it later.
     */
    private String attempt(PartitionState<T> s) {
        Batch<T> b = s.batch;
        String token = token(s);
        try {
            sendDeadLetters(b.deadLetters);
            if (!b.rows.isEmpty()) {
                long t0 = System.nanoTime();
                try {
                    spec.writer().write(b.rows, token);
                } catch (RuntimeException e) {
                    telemetry.insertFailed(spec.source(), System.nanoTime() - t0);
                    throw e;
                }
                // A replay that ClickHouse drops by its token is counted here too: "rows" means rows sent
                // in successful inserts, which is what bounds the store's load.
                telemetry.inserted(spec.source(), b.rows.size(), System.nanoTime() - t0);
                spec.hooks().inserted(b.rows.size());
            }
            if (s.attempts > 0) {
                log.info("Batch {} written after {} retries", token, s.attempts);
            }
            return null;
        } catch (StoreException e) {
            if (e.retryable()) {
                return "store: " + e.getMessage();
            }
            log.error("Store refused batch {} ({} rows), sending its records to {}: {}", token, b.rows.size(),
                    config.dlqTopic(), e.getMessage());
            List<DeadLetter> all = new ArrayList<>();
            Set<Long> alreadyDead = new HashSet<>();
            b.deadLetters.forEach(d -> alreadyDead.add(d.record.offset()));
            for (ConsumerRecord<byte[], byte[]> r : b.records) {
                if (!alreadyDead.contains(r.offset())) {
                    all.add(new DeadLetter(r, "store refused the batch: " + e.getMessage()));
                }
            }
            try {
                sendDeadLetters(all);
                return null;
            } catch (KafkaException | DeadLetterException e2) {
                return "dead-letter topic: " + e2.getMessage();
            }
        } catch (KafkaException | DeadLetterException e) {
            return "dead-letter topic: " + e.getMessage();
        }
    }

    private void retryLater(PartitionState<T> s, String token, String reason) {
        s.attempts++;
        storeRetries.incrementAndGet();
        telemetry.storeRetry(spec.source());
        Duration wait = backoff(s.attempts);
        s.nextAttemptNanos = System.nanoTime() + wait.toNanos();
        consumer.pause(List.of(s.tp));
        if (s.attempts == 1 || Integer.bitCount(s.attempts) == 1) {
            log.warn("Batch {} not written ({}); partition paused, retry {} in {} ms", token, reason, s.attempts,
                    wait.toMillis());
        }
    }

    /** Capped exponential backoff with "equal jitter": half fixed, half random. */
    private Duration backoff(int attempt) {
        long initial = config.retryInitialBackoff().toMillis();
        long cap = config.retryMaxBackoff().toMillis();
        long exp = attempt >= 31 ? cap : Math.min(cap, initial << Math.max(0, attempt - 1));
        long half = Math.max(1, exp / 2);
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    private void sendDeadLetters(List<DeadLetter> letters) {
        List<DeadLetter> pending = letters.stream().filter(d -> !d.sent).toList();
        List<Future<?>> sent = new ArrayList<>();
        for (DeadLetter d : pending) {
            sent.add(producer.send(deadLetterRecord(d, false)));
        }
        try {
            for (int i = 0; i < sent.size(); i++) {
                try {
                    sent.get(i).get(DLQ_SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof RecordTooLargeException)) {
                        throw e;
                    }
                    // Retrying would never succeed and would block the partition: keep the evidence
                    // (headers: source, offset, reason) and drop the value, saying so.
                    producer.send(deadLetterRecord(pending.get(i), true))
                            .get(DLQ_SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new DeadLetterException("could not write to " + config.dlqTopic() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterException("interrupted while writing to " + config.dlqTopic());
        }
        for (DeadLetter d : pending) {
            d.sent = true;
            deadLettered.incrementAndGet();
            telemetry.deadLettered(spec.source(), 1);
            spec.hooks().deadLettered();
            log.warn("Record {}-{}@{} sent to {}: {}", d.record.topic(), d.record.partition(), d.record.offset(),
                    config.dlqTopic(), d.reason);
        }
    }

    private ProducerRecord<byte[], byte[]> deadLetterRecord(DeadLetter d, boolean withoutValue) {
        ConsumerRecord<byte[], byte[]> r = d.record;
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            headers.add(h);
        }
        String reason = withoutValue
                ? d.reason + " (value of " + r.serializedValueSize() + " bytes too large for " + config.dlqTopic() + ", dropped)"
                : d.reason;
        headers.add(HEADER_SOURCE_TOPIC, r.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_SOURCE_PARTITION, Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_SOURCE_OFFSET, Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(config.dlqTopic(), null, null, r.key(), withoutValue ? null : r.value(), headers);
    }

    private void awaitStop(Duration d) {
        try {
            stopRequested.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Daemon threads named {@code prefix1}, {@code prefix2}, ...: for a consumer's helper pools. */
    protected static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Parses {@code leakwatch:min-max}; null for anything else. */
    static long[] parseIntent(String metadata) {
        if (metadata == null || !metadata.startsWith(INTENT_PREFIX)) {
            return null;
        }
        String[] parts = metadata.substring(INTENT_PREFIX.length()).split("-", -1);
        if (parts.length != 2) {
            return null;
        }
        try {
            long min = Long.parseLong(parts[0]);
            long max = Long.parseLong(parts[1]);
            return min >= 0 && max >= min ? new long[] {min, max} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            joinedGroup = true;
            if (assigned.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned));
            for (TopicPartition tp : assigned) {
                PartitionState<T> s = new PartitionState<>(tp);
                OffsetAndMetadata c = committed.get(tp);
                s.intent = c == null ? null : parseIntent(c.metadata());
                if (s.intent != null) {
                    log.info("Partition {}: replaying unconfirmed batch {}-{} with its original dedup token", tp,
                            s.intent[0], s.intent[1]);
                }
                partitions.put(tp, s);
            }
            assignedPartitions = partitions.size();
            log.info("{} assigned {}", spec.name(), assigned);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            // Unwritten batches are abandoned: their offsets were never committed past, and the intent
            // in the committed metadata lets the next owner replay them with the same token.
            revoked.forEach(partitions::remove);
            if (spec.reportsLag()) {
                revoked.forEach(tp -> telemetry.forgetLag(tp.topic(), tp.partition()));
            }
            assignedPartitions = partitions.size();
            if (!revoked.isEmpty()) {
                log.info("{} revoked {}", spec.name(), revoked);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            onPartitionsRevoked(lost);
        }
    }

    private static final class PartitionState<T> {
        final TopicPartition tp;
        final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
        long[] intent;
        long firstBufferedNanos;
        Batch<T> batch;
        int attempts;
        long nextAttemptNanos;

        PartitionState(TopicPartition tp) {
            this.tp = tp;
        }
    }

    private static final class Batch<T> {
        final long min;
        final long max;
        final List<ConsumerRecord<byte[], byte[]>> records;
        List<T> rows = List.of();
        final List<DeadLetter> deadLetters = new ArrayList<>();
        boolean intentCommitted;

        Batch(long min, long max, List<ConsumerRecord<byte[], byte[]>> records) {
            this.min = min;
            this.max = max;
            this.records = records;
        }
    }

    private static final class DeadLetter {
        final ConsumerRecord<byte[], byte[]> record;
        final String reason;
        boolean sent;

        DeadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
            this.record = record;
            this.reason = reason;
        }
    }

    private static final class DeadLetterException extends RuntimeException {
        DeadLetterException(String message) {
            super(message, null, false, false);
        }
    }
}
