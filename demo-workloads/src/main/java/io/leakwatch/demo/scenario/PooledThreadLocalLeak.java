package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Leak: request handlers on a fixed worker pool append an audit record (1 KiB) to a ThreadLocal list
 * that is never cleared. Pooled threads never die, so the lists only grow; the GC root is the worker
 * thread's ThreadLocalMap. Closing shuts the pool down, which frees the lists.
 */
public final class PooledThreadLocalLeak implements Scenario {
    static final int RECORD_BYTES = 1024;
    static final int WORKERS = 4;

    @Override
    public String name() {
        return "pooled-threadlocal";
    }

    @Override
    public Label label() {
        return Label.LEAK;
    }

    @Override
    public Signal signal() {
        return Signal.HEAP;
    }

    @Override
    public String description() {
        return "Handlers on a 4-thread pool append a 1 KiB audit record to a ThreadLocal list that is never removed.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "64");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final ThreadLocal<List<byte[]>> auditTrail = ThreadLocal.withInitial(ArrayList::new);
        private final ExecutorService workers;
        private final AtomicLong retained = new AtomicLong();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            workers = Executors.newFixedThreadPool(WORKERS, daemonThreads("scenario-" + name + "-worker"));
            Pacer records = new Pacer(settings.rate() * 1024.0 / RECORD_BYTES);
            every(TICK_MILLIS, () -> {
                long due = records.due(elapsedSeconds());
                for (long i = 0; i < due && !workers.isShutdown(); i++) {
                    workers.execute(this::handleRequest);
                }
            });
        }

        private void handleRequest() {
            auditTrail.get().add(new byte[RECORD_BYTES]);
            retained.addAndGet(RECORD_BYTES);
            countOperations(1);
        }

        @Override
        public long retained() {
            return retained.get();
        }

        @Override
        protected void release() {
            workers.shutdownNow();
            try {
                workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            retained.set(0);
        }
    }
}
