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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Healthy look-alike: a batch job collects records (1 KiB each) at {@code rate} for one {@code period},
 * writes them out and drops them all. Over one period it is indistinguishable from a leak; over two
 * the release shows.
 */
public final class BatchAccumulateRelease implements Scenario {
    static final int RECORD_BYTES = 1024;

    @Override
    public String name() {
        return "batch-accumulate-release";
    }

    @Override
    public Label label() {
        return Label.HEALTHY;
    }

    @Override
    public Signal signal() {
        return Signal.HEAP;
    }

    @Override
    public String description() {
        return "A batch collects 1 KiB records at rate for one period, flushes them and releases everything, then starts over.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "256", "period", "2m");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final List<byte[]> batch = new ArrayList<>();
        private final AtomicLong retained = new AtomicLong();
        // Checksum of what was "written", so the flush does real work.
        private volatile long written;

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer records = new Pacer(settings.rate() * 1024.0 / RECORD_BYTES);
            every(TICK_MILLIS, () -> {
                long due = records.due(elapsedSeconds());
                synchronized (batch) {
                    for (long i = 0; i < due; i++) {
                        batch.add(new byte[RECORD_BYTES]);
                        countOperations(1);
                    }
                    retained.set((long) batch.size() * RECORD_BYTES);
                }
            });
            long periodMillis = settings.period().toMillis();
            scheduleFlushes(periodMillis);
        }

        private void scheduleFlushes(long periodMillis) {
            after(java.time.Duration.ofMillis(periodMillis), () -> {
                synchronized (batch) {
                    written += batch.size();
                    batch.clear();
                    retained.set(0);
                }
                scheduleFlushes(periodMillis);
            });
        }

        @Override
        public long retained() {
            return retained.get();
        }

        @Override
        protected void release() {
            synchronized (batch) {
                batch.clear();
            }
            retained.set(0);
        }
    }
}
