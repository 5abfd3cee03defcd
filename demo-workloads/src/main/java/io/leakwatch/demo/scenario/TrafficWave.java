package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Healthy look-alike: traffic rising and falling like a day compressed into one {@code period}. The
 * in-flight session set follows {@code limit * (1 - cos(2 pi t / period)) / 2} KiB, and extra request
 * garbage follows the same wave up to {@code rate} KiB/s at the peak. Half a period looks like a leak.
 */
public final class TrafficWave implements Scenario {
    static final int SESSION_BYTES = 1024;

    @Override
    public String name() {
        return "traffic-wave";
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
        return "Load follows a cosine over period: the live session set swings between 0 and limit KiB, extra garbage up to rate KiB/s.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "20480", "limit", "32768", "period", "10m");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final Deque<byte[]> sessions = new ArrayDeque<>();
        private final AtomicLong retained = new AtomicLong();
        private volatile int sink;

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            double periodSeconds = settings.period().toMillis() / 1000.0;
            long maxSessions = settings.limit() * 1024 / SESSION_BYTES;
            double peakGarbageBytesPerTick = settings.rate() * 1024 * TICK_MILLIS / 1000.0;
            every(TICK_MILLIS, () -> {
                double load = (1 - Math.cos(2 * Math.PI * elapsedSeconds() / periodSeconds)) / 2;
                long target = Math.round(maxSessions * load);
                synchronized (sessions) {
                    while (sessions.size() < target) {
                        sessions.addLast(new byte[SESSION_BYTES]);
                        countOperations(1);
                    }
                    while (sessions.size() > target) {
                        sessions.removeFirst();
                    }
                    retained.set((long) sessions.size() * SESSION_BYTES);
                }
                long garbage = Math.round(peakGarbageBytesPerTick * load);
                for (long allocated = 0; allocated < garbage; allocated += 8192) {
                    sink += new byte[8192].length;
                }
            });
        }

        @Override
        public long retained() {
            return retained.get();
        }

        @Override
        protected void release() {
            synchronized (sessions) {
                sessions.clear();
            }
            retained.set(0);
        }
    }
}
