package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Healthy look-alike of the thread leak: a worker pool with {@code limit} core threads starts one
 * thread per submitted task until it reaches its size, then reuses them. Tasks arrive at {@code rate}
 * per second, so the thread count climbs at that rate and then stays flat for good.
 */
public final class PoolGrowsToMax implements Scenario {

    @Override
    public String name() {
        return "pool-grows-to-max";
    }

    @Override
    public Label label() {
        return Label.HEALTHY;
    }

    @Override
    public Signal signal() {
        return Signal.THREADS;
    }

    @Override
    public String description() {
        return "A fixed-size worker pool starts a thread per task until it has limit threads, then reuses them.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "0.5", "limit", "32");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final ThreadPoolExecutor pool;
        // Written by tasks so their work is not dead code.
        private volatile long sink;

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            int size = (int) Math.min(settings.limit(), 10_000);
            pool = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(10_000),
                    daemonThreads("scenario-" + name + "-worker"));
            Pacer tasks = new Pacer(settings.rate());
            every(TICK_MILLIS, () -> {
                for (long i = tasks.due(elapsedSeconds()); i > 0 && !pool.isShutdown(); i--) {
                    pool.execute(() -> sink += System.nanoTime() & 0xff);
                    countOperations(1);
                }
            });
        }

        @Override
        public long retained() {
            return pool.getPoolSize();
        }

        @Override
        protected void release() {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
