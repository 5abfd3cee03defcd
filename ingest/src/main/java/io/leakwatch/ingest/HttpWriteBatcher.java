package io.leakwatch.ingest;

import io.leakwatch.store.MetricRow;
import io.leakwatch.store.MetricWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gathers the decoded rows of concurrent OTLP/HTTP requests and writes them to the store in shared inserts,
 * so a fleet of agents exporting small payloads every few seconds makes a few large inserts instead of one
 * tiny insert (one part in the table and in every rollup) per request.
 *
 * <p>Promises:
 * <ul>
 *   <li>A batch is cut when the waiting rows reach {@code batchMaxRows} or the oldest waiting request has
 *   waited {@code batchMaxDelay} (0: as soon as the writer is free, so requests coalesce only while an insert
 *   runs). A request's rows are never split across inserts; a single request larger than the batch size is
 *   an insert of its own.</li>
 *   <li>The future returned by {@link #submit} completes normally only after the insert holding the rows
 *   returned successfully: nothing is acknowledged before it is stored. If that insert fails, every request
 *   of the batch fails with the writer's exception (a {@link io.leakwatch.store.StoreException} says whether
 *   it is retryable). The batcher never retries on its own: the OTLP sender does, after its back-off.</li>
 *   <li>Bounded memory: rows waiting or being inserted are capped at {@code maxPendingRows}; a request that
 *   would exceed the cap fails at once with {@link OverloadedException} (retryable) instead of queueing.
 *   When nothing is pending, one request is always admitted, however large, so no valid request is refused
 *   forever.</li>
 *   <li>Inserts run on one named daemon thread, one at a time, never on an event loop.</li>
 *   <li>{@link #close(Duration)} stops admitting, flushes what is waiting within the given time and fails
 *   the rest with {@link OverloadedException}.</li>
 * </ul>
 *
 * <p>Deduplication: an insert holding exactly one request keeps that request's token (the receiver's hash
 * of the payload), so a sender retrying identical bytes after a lost response is still dropped by ClickHouse
 * when its retry is inserted alone. A shared insert gets a token derived from all its requests' tokens; it
 * only protects a replay of the very same batch. A retry that lands in a different batch than the original
 * is stored again: OTLP/HTTP carries no idempotency key, and the insert is the unit ClickHouse deduplicates,
 * so per-request exactly-once would need per-request inserts, the very cost this class removes. Such a
 * duplicate needs a lost response after a successful insert; the points are identical (same series, same
 * time), which analyses of floors and slopes tolerate.
 */
public final class HttpWriteBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpWriteBatcher.class);

    /** Refused without queueing: too many rows waiting, or the batcher is closing. Retryable. */
    public static final class OverloadedException extends RuntimeException {
        OverloadedException(String message) {
            super(message, null, false, false);
        }
    }

    private record Pending(List<MetricRow> rows, String token, long enqueuedNanos, CompletableFuture<Void> done) {
    }

    private final MetricWriter writer;
    private final int batchMaxRows;
    private final long batchMaxDelayNanos;
    private final int maxPendingRows;
    private final IngestTelemetry telemetry;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Thread thread;
    private final AtomicLong inserts = new AtomicLong();
    private final AtomicLong rowsWritten = new AtomicLong();
    // Guarded by lock.
    private long queuedRows;
    private long pendingRows; // queued + in the running insert
    private boolean closing;

    /**
     * @param batchMaxRows   rows per insert at which a batch is cut
     * @param batchMaxDelay  longest wait of a request before its batch is cut; zero cuts whenever the writer
     *                       is free
     * @param maxPendingRows rows waiting or being inserted at most; beyond, {@link #submit} refuses
     */
    public HttpWriteBatcher(MetricWriter writer, int batchMaxRows, Duration batchMaxDelay, int maxPendingRows,
                            IngestTelemetry telemetry) {
        if (batchMaxRows < 1 || maxPendingRows < batchMaxRows || batchMaxDelay.isNegative()) {
            throw new IllegalArgumentException("need 1 <= batchMaxRows <= maxPendingRows and batchMaxDelay >= 0, was "
                    + batchMaxRows + ", " + maxPendingRows + ", " + batchMaxDelay);
        }
        this.writer = writer;
        this.batchMaxRows = batchMaxRows;
        this.batchMaxDelayNanos = batchMaxDelay.toNanos();
        this.maxPendingRows = maxPendingRows;
        this.telemetry = telemetry;
        this.thread = new Thread(this::run, "leakwatch-otlp-http-batcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** The batcher the receiver's configuration describes. */
    public static HttpWriteBatcher of(MetricWriter writer, IngestConfig.HttpConfig config, IngestTelemetry telemetry) {
        return new HttpWriteBatcher(writer, config.batchMaxRows(), config.batchMaxDelay(), config.maxPendingRows(),
                telemetry);
    }

    /**
     * Queues one request's rows for a shared insert.
     *
     * @param rows  the request's rows; empty completes at once without an insert
     * @param token the request's deduplication token (used when its insert holds only this request), or null
     * @return completes when the insert holding the rows succeeded; fails with the insert's exception, or at
     * once with {@link OverloadedException} when the rows cannot be accepted now
     */
    public CompletableFuture<Void> submit(List<MetricRow> rows, String token) {
        if (rows.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        lock.lock();
        try {
            if (closing) {
                return CompletableFuture.failedFuture(new OverloadedException("receiver is shutting down; retry later"));
            }
            if (pendingRows > 0 && pendingRows + rows.size() > maxPendingRows) {
                return CompletableFuture.failedFuture(new OverloadedException("too many rows waiting to be stored ("
                        + pendingRows + " of at most " + maxPendingRows + "); retry later"));
            }
            Pending p = new Pending(rows, token, System.nanoTime(), new CompletableFuture<>());
            queue.add(p);
            queuedRows += rows.size();
            pendingRows += rows.size();
            if (queue.size() == 1 || queuedRows >= batchMaxRows) {
                changed.signal();
            }
            return p.done;
        } finally {
            lock.unlock();
        }
    }

    /** Inserts made since start (successful or not). */
    public long inserts() {
        return inserts.get();
    }

    /** Rows confirmed written since start. */
    public long rowsWritten() {
        return rowsWritten.get();
    }

    /** Rows waiting or being inserted now. */
    public long pendingRows() {
        lock.lock();
        try {
            return pendingRows;
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #close(Duration)} with 10 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /**
     * Stops admitting, writes what is waiting (ignoring the batch delay) for up to {@code timeout}, then fails
     * whatever is still queued with {@link OverloadedException}. An insert already running is not abandoned:
     * its requests complete when it returns. Idempotent.
     */
    public void close(Duration timeout) {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Pending> abandoned = new ArrayList<>();
        lock.lock();
        try {
            abandoned.addAll(queue);
            queue.clear();
            for (Pending p : abandoned) {
                queuedRows -= p.rows.size();
                pendingRows -= p.rows.size();
            }
        } finally {
            lock.unlock();
        }
        if (!abandoned.isEmpty()) {
            LOG.warn("OTLP/HTTP batcher closed with {} requests not stored within {}; their senders will retry",
                    abandoned.size(), timeout);
            OverloadedException e = new OverloadedException("receiver is shutting down; retry later");
            abandoned.forEach(p -> p.done.completeExceptionally(e));
        }
    }

    private void run() {
        while (true) {
            List<Pending> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                return;
            }
            write(batch);
        }
    }

    /** Waits until a batch is due and takes it; null once closing and empty. */
    private List<Pending> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                Pending oldest = queue.peek();
                if (oldest == null) {
                    if (closing) {
                        return null;
                    }
                    changed.await();
                    continue;
                }
                long waited = System.nanoTime() - oldest.enqueuedNanos;
                if (closing || queuedRows >= batchMaxRows || waited >= batchMaxDelayNanos) {
                    break;
                }
                changed.awaitNanos(batchMaxDelayNanos - waited);
            }
            List<Pending> batch = new ArrayList<>();
            int rows = 0;
            while (!queue.isEmpty() && (batch.isEmpty() || rows + queue.peek().rows.size() <= batchMaxRows)) {
                Pending p = queue.poll();
                batch.add(p);
                rows += p.rows.size();
            }
            queuedRows -= rows;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void write(List<Pending> batch) {
        List<MetricRow> rows;
        String token;
        if (batch.size() == 1) {
            rows = batch.getFirst().rows;
            token = batch.getFirst().token;
        } else {
            int n = 0;
            for (Pending p : batch) {
                n += p.rows.size();
            }
            rows = new ArrayList<>(n);
            for (Pending p : batch) {
                rows.addAll(p.rows);
            }
            token = batchToken(batch);
        }
        Throwable failure = null;
        long t0 = System.nanoTime();
        try {
            writer.write(rows, token);
            telemetry.inserted(IngestTelemetry.Source.HTTP_METRICS, rows.size(), System.nanoTime() - t0);
            rowsWritten.addAndGet(rows.size());
        } catch (Throwable e) { // the thread must survive anything the writer throws: requests wait on it
            telemetry.insertFailed(IngestTelemetry.Source.HTTP_METRICS, System.nanoTime() - t0);
            failure = e;
        }
        inserts.incrementAndGet();
        lock.lock();
        try {
            pendingRows -= rows.size();
        } finally {
            lock.unlock();
        }
        for (Pending p : batch) {
            if (failure == null) {
                p.done.complete(null);
            } else {
                p.done.completeExceptionally(failure);
            }
        }
        if (failure instanceof Error) {
            LOG.error("OTLP/HTTP insert failed with an error; {} requests answered with it", batch.size(), failure);
        }
    }

    /** Same requests in the same order give the same token; null when any request has none. */
    private static String batchToken(List<Pending> batch) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Pending p : batch) {
                if (p.token == null) {
                    return null;
                }
                digest.update(p.token.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return "otlp-http-batch-" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
