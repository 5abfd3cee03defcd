package io.leakwatch.collector.jfr;

import io.leakwatch.collector.AgentLog;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;

/**
 * Delivers encoded JFR envelopes through a {@link JfrSender}, retrying what failed, without ever making the
 * caller wait: {@link #offer} only queues. Attempts run one at a time on the given executor (the collector's
 * {@code leakwatch-jfr} thread), oldest envelope first.
 *
 * <p>Promises:
 * <ul>
 *   <li>Bounded memory: at most {@code maxEnvelopes} envelopes and {@code maxBytes} bytes wait (the one in flight
 *       included); to make room the oldest is dropped and counted ({@link #droppedQueueFull()}).</li>
 *   <li>A retryable failure keeps the envelope at the head and retries after a jittered exponential backoff,
 *       from {@code firstBackoff} doubling up to {@code maxBackoff} (each wait is uniform in [half, full]); a
 *       success resets it. A {@link JfrSender.RejectedException} (the destination will never take it) drops the
 *       envelope at once, counted as {@link #droppedRejected()}.</li>
 *   <li>One log line when deliveries start failing, one when they work again; never throws.</li>
 * </ul>
 * Closing the executor discards whatever still waits: recordings are evidence, not worth delaying an exit for.
 */
public final class JfrDeliveryQueue {
    public static final int DEFAULT_MAX_ENVELOPES = 4;
    public static final Duration DEFAULT_FIRST_BACKOFF = Duration.ofSeconds(2);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(2);

    private final JfrSender sender;
    private final ScheduledExecutorService thread;
    private final int maxEnvelopes;
    private final long maxBytes;
    private final long firstBackoffMs;
    private final long maxBackoffMs;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(); // guarded by queue
    private long queuedBytes; // guarded by queue
    private boolean attemptPending; // guarded by queue: an attempt is running or scheduled
    private byte[] inFlight; // guarded by queue: the envelope being sent, still counted in the queue's bounds
    private boolean inFlightEvicted; // guarded by queue: a newer offer took its place; counted only if it fails
    private long backoffMs; // only touched by attempts, which never overlap
    private boolean failing; // likewise
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong droppedQueueFull = new AtomicLong();
    private final AtomicLong droppedRejected = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    public JfrDeliveryQueue(JfrSender sender, ScheduledExecutorService thread, int maxEnvelopes, long maxBytes,
            Duration firstBackoff, Duration maxBackoff) {
        this.sender = sender;
        this.thread = thread;
        this.maxEnvelopes = Math.max(1, maxEnvelopes);
        this.maxBytes = Math.max(1, maxBytes);
        this.firstBackoffMs = Math.max(1, firstBackoff.toMillis());
        this.maxBackoffMs = Math.max(firstBackoffMs, maxBackoff.toMillis());
        this.backoffMs = firstBackoffMs;
    }

    /** Queues {@code envelope} for delivery and returns at once; may drop older envelopes to make room. */
    public void offer(byte[] envelope) {
        try {
            synchronized (queue) {
                if (envelope.length > maxBytes) {
                    droppedQueueFull.incrementAndGet(); // could never fit, whatever we dropped
                    return;
                }
                while (!queue.isEmpty() && (queue.size() >= maxEnvelopes || queuedBytes + envelope.length > maxBytes)) {
                    byte[] oldest = queue.pollFirst();
                    queuedBytes -= oldest.length;
                    if (oldest == inFlight) {
                        inFlightEvicted = true;
                    } else {
                        droppedQueueFull.incrementAndGet();
                    }
                }
                queue.addLast(envelope);
                queuedBytes += envelope.length;
                if (!attemptPending) {
                    attemptPending = true;
                    thread.execute(this::attempt);
                }
            }
        } catch (Throwable e) {
            // the executor is shut down: the collector is stopping, the envelope goes with it
            synchronized (queue) {
                attemptPending = false;
            }
        }
    }

    private void attempt() {
        byte[] next;
        synchronized (queue) {
            next = queue.peekFirst();
            if (next == null) {
                attemptPending = false;
                return;
            }
            inFlight = next;
            inFlightEvicted = false;
        }
        boolean retry = false;
        try {
            sender.send(next);
            delivered.incrementAndGet();
            backoffMs = firstBackoffMs;
            if (failing) {
                failing = false;
                AgentLog.log(Level.INFO, "LeakWatch: JFR leak recordings reach " + sender + " again");
            }
            remove(next);
        } catch (JfrSender.RejectedException e) {
            droppedRejected.incrementAndGet();
            report("LeakWatch: JFR leak recording refused by " + sender + ", dropped: " + e.getMessage());
            remove(next);
        } catch (Throwable e) {
            report("LeakWatch: JFR leak recording not delivered to " + sender + ", will retry: " + e);
            retry = true;
        }
        scheduleNext(retry);
    }

    /** Removes {@code sent} unless a newer offer already evicted it. */
    private void remove(byte[] sent) {
        synchronized (queue) {
            if (queue.peekFirst() == sent) {
                queue.pollFirst();
                queuedBytes -= sent.length;
            }
        }
    }

    private void scheduleNext(boolean retry) {
        try {
            synchronized (queue) {
                if (retry && inFlightEvicted) {
                    droppedQueueFull.incrementAndGet(); // it failed and newer envelopes took its room
                }
                inFlight = null;
                inFlightEvicted = false;
                if (queue.isEmpty()) {
                    attemptPending = false;
                    return;
                }
                if (!retry) {
                    thread.execute(this::attempt);
                    return;
                }
            }
            retries.incrementAndGet();
            long half = backoffMs / 2;
            long wait = half + ThreadLocalRandom.current().nextLong(backoffMs - half + 1);
            backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
            thread.schedule(this::attempt, wait, TimeUnit.MILLISECONDS);
        } catch (Throwable e) {
            synchronized (queue) {
                attemptPending = false; // the executor is shut down
            }
        }
    }

    private void report(String message) {
        if (!failing) {
            failing = true;
            AgentLog.log(Level.WARNING, message);
        }
    }

    /** Envelopes the destination accepted. */
    public long delivered() {
        return delivered.get();
    }

    /** Envelopes dropped to keep the queue within its bounds. */
    public long droppedQueueFull() {
        return droppedQueueFull.get();
    }

    /** Envelopes the destination refused for good (e.g. HTTP 413, a record too large for the broker). */
    public long droppedRejected() {
        return droppedRejected.get();
    }

    /** Retries scheduled after a failed attempt. */
    public long retries() {
        return retries.get();
    }

    /** Envelopes waiting, the one in flight included. */
    public int queued() {
        synchronized (queue) {
            return queue.size();
        }
    }
}
