package io.leakwatch.collector.export;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded queue between collection and export. {@link #export} only enqueues the snapshot and
 * returns at once, so a slow or absent endpoint never holds up collection; when the queue is full the
 * oldest snapshot is dropped and counted ({@link #droppedSnapshots()}, which the collector exports as a
 * metric once it can). One sender thread hands snapshots to the real exporter in order; a failed one
 * stays at the head and is retried after a capped, jittered exponential backoff.
 *
 * <p>{@link #shutdown()} tries every queued snapshot once more, without backoff, then shuts the real
 * exporter down; callers bound how long they wait for it.
 */
public final class QueueingExporter implements MetricExporter {
    public static final int DEFAULT_CAPACITY = 8;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final MetricExporter delegate;
    private final int capacity;
    private final Duration exportTimeout;
    private final ArrayDeque<Snapshot> queue = new ArrayDeque<>(); // guarded by queue
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong exported = new AtomicLong();
    private final CompletableResultCode shutdownResult = new CompletableResultCode();
    private final Thread sender;
    private volatile boolean stopping;

    public QueueingExporter(MetricExporter delegate, int capacity, Duration exportTimeout, ThreadFactory threads) {
        this.delegate = delegate;
        this.capacity = capacity;
        this.exportTimeout = exportTimeout;
        this.sender = threads.newThread(this::sendLoop);
        this.sender.start();
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
        if (stopping && !sender.isAlive()) {
            dropped.incrementAndGet();
        } else {
            enqueue(metrics);
        }
        return CompletableResultCode.ofSuccess();
    }

    private void enqueue(Collection<MetricData> metrics) {
        synchronized (queue) {
            while (queue.size() >= capacity) {
                queue.pollFirst();
                dropped.incrementAndGet();
            }
            queue.addLast(new Snapshot(List.copyOf(metrics)));
            queue.notifyAll();
        }
    }

    private void sendLoop() {
        Duration backoff = FIRST_BACKOFF;
        try {
            while (true) {
                Snapshot next;
                synchronized (queue) {
                    while (queue.isEmpty() && !stopping) {
                        queue.wait();
                    }
                    if (queue.isEmpty()) {
                        break;
                    }
                    // In flight it leaves the queue: the queue's capacity is for snapshots still waiting.
                    next = queue.pollFirst();
                }
                if (send(next.metrics())) {
                    exported.incrementAndGet();
                    backoff = FIRST_BACKOFF;
                    continue;
                }
                synchronized (queue) {
                    if (stopping || queue.size() >= capacity) {
                        dropped.incrementAndGet(); // shutting down: one try only; full: it is the oldest
                    } else {
                        queue.addFirst(next);
                    }
                    if (!stopping) {
                        long half = backoff.toMillis() / 2;
                        queue.wait(half + ThreadLocalRandom.current().nextLong(half + 1));
                    }
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // never let the sender die noisily; metrics then stop, the host does not notice
        } finally {
            try {
                delegate.shutdown().whenComplete(shutdownResult::succeed);
            } catch (Throwable e) {
                shutdownResult.fail();
            }
        }
    }

    private boolean send(Collection<MetricData> snapshot) {
        try {
            CompletableResultCode result = delegate.export(snapshot);
            return result.join(exportTimeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
        } catch (Throwable e) {
            return false;
        }
    }

    /** One collection's points; compared by identity, so two equal snapshots stay two queue entries. */
    private static final class Snapshot {
        private final Collection<MetricData> metrics;

        Snapshot(Collection<MetricData> metrics) {
            this.metrics = metrics;
        }

        Collection<MetricData> metrics() {
            return metrics;
        }
    }

    /** Snapshots dropped because the queue was full (or arrived after shutdown), since start. */
    public long droppedSnapshots() {
        return dropped.get();
    }

    /** Snapshots the real exporter accepted, since start. */
    public long exportedSnapshots() {
        return exported.get();
    }

    /** Snapshots waiting to be sent. */
    public int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        synchronized (queue) {
            stopping = true;
            queue.notifyAll();
        }
        return shutdownResult;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
        return delegate.getDefaultAggregation(instrumentType);
    }

    /** Queued snapshots outlive the collection that made them, so the SDK must not reuse their objects. */
    @Override
    public MemoryMode getMemoryMode() {
        return MemoryMode.IMMUTABLE_DATA;
    }
}
