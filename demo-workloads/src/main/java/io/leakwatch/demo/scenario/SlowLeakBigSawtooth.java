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
 * Leak hidden in noise: a slow leak (an audit log of 1 KiB entries, default 8 KiB/s) under heavy
 * garbage and a report that builds a {@code limit} KiB working set every {@code period} and drops it
 * a second later. The raw heap swings by tens of MiB; only the floor betrays the leak.
 */
public final class SlowLeakBigSawtooth implements Scenario {
    static final int ENTRY_BYTES = 1024;
    static final int REPORT_CHUNK_BYTES = 256 * 1024;

    @Override
    public String name() {
        return "slow-leak-big-sawtooth";
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
        return "A slow 1 KiB-entry audit-log leak under 80 MB/s of garbage and a periodic report that holds limit KiB for a second.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "8", "garbage-mb-per-s", "80", "limit", "65536", "period", "10s");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final List<byte[]> auditLog = new ArrayList<>();
        private final AtomicLong retained = new AtomicLong();
        private volatile List<byte[]> report = List.of();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer entries = new Pacer(settings.rate() * 1024.0 / ENTRY_BYTES);
            every(TICK_MILLIS, () -> {
                for (long i = entries.due(elapsedSeconds()); i > 0; i--) {
                    synchronized (auditLog) {
                        auditLog.add(new byte[ENTRY_BYTES]);
                    }
                    retained.addAndGet(ENTRY_BYTES);
                    countOperations(1);
                }
            });
            long reportBytes = settings.limit() * 1024;
            every(settings.period().toMillis(), () -> {
                List<byte[]> building = new ArrayList<>();
                for (long held = 0; held < reportBytes; held += REPORT_CHUNK_BYTES) {
                    building.add(new byte[REPORT_CHUNK_BYTES]);
                }
                report = building;
                after(java.time.Duration.ofSeconds(1), () -> report = List.of());
            });
        }

        /** The leaked audit log only; the report is transient by design. */
        @Override
        public long retained() {
            return retained.get();
        }

        @Override
        protected void release() {
            synchronized (auditLog) {
                auditLog.clear();
            }
            report = List.of();
            retained.set(0);
        }
    }
}
