package io.leakwatch.demo;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Base of every running scenario: a scheduler on named daemon threads ({@code scenario-<name>-N}) that
 * serves the steady request garbage from the moment the run starts, a clock, an operations counter,
 * and an idempotent {@link #close()} that stops the threads before it lets the subclass release what
 * it holds. A failing tick is reported once on stderr and does not cancel later ticks.
 */
public abstract class ScenarioRun implements RunningScenario {
    /** How often behaviour ticks run unless a scenario asks otherwise. */
    protected static final long TICK_MILLIS = 100;

    private final String name;
    private final ScheduledExecutorService scheduler;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private final AtomicLong operations = new AtomicLong();

    protected ScenarioRun(String name, ScenarioSettings settings) {
        this.name = name;
        this.scheduler = Executors.newScheduledThreadPool(2, daemonThreads("scenario-" + name));
        if (settings.garbageMbPerSecond() > 0) {
            RequestWork requests = new RequestWork(settings.garbageMbPerSecond());
            every(RequestWork.TICK_MILLIS, requests::serveTick);
        }
    }

    /** A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long operations() {
        return operations.get();
    }

    /** Counts units of work for {@link #operations()}. */
    protected final void countOperations(long count) {
        operations.addAndGet(count);
    }

    /** Runs {@code task} every {@code periodMillis} on the scenario's scheduler, starting now. */
    protected final void every(long periodMillis, Runnable task) {
        scheduler.scheduleAtFixedRate(() -> guarded(task), 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} once after {@code delay}. */
    protected final void after(Duration delay, Runnable task) {
        scheduler.schedule(() -> guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    protected final double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    protected final boolean isClosed() {
        return closed.get();
    }

    /** Reports a problem on stderr once per run (e.g. the OS refused more files), never throws. */
    protected final void reportOnce(String message) {
        if (failureReported.compareAndSet(false, true)) {
            System.err.println("scenario " + name + ": " + message);
        }
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RejectedExecutionException e) {
            if (!closed.get()) {
                reportOnce(e.toString());
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            // An exhausted resource is the expected end of a leak; say so once and keep the program alive.
            reportOnce(e.toString());
        }
    }

    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        release();
    }

    /** Releases what the scenario holds; called once, after its scheduled work has stopped. */
    protected void release() {
    }
}
