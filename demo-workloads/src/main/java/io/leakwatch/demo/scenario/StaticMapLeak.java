package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Leak: every request stores its session attributes (1 KiB) in a static map under a fresh id and nothing
 * ever removes them. The GC root a heap dump shows is the static field {@code SESSIONS}.
 */
public final class StaticMapLeak implements Scenario {
    static final int ENTRY_BYTES = 1024;
    // The leak's root. Keys carry the run's prefix only so close() can undo one run in tests.
    static final Map<String, byte[]> SESSIONS = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "static-map";
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
        return "Each request puts 1 KiB of session attributes into a static HashMap under a new id; nothing removes them.";
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
        private final String prefix = UUID.randomUUID() + "/";
        private final AtomicLong retained = new AtomicLong();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer kib = new Pacer(settings.rate() * 1024.0 / ENTRY_BYTES);
            every(TICK_MILLIS, () -> {
                for (long i = kib.due(elapsedSeconds()); i > 0; i--) {
                    SESSIONS.put(prefix + UUID.randomUUID(), new byte[ENTRY_BYTES]);
                    retained.addAndGet(ENTRY_BYTES);
                    countOperations(1);
                }
            });
        }

        @Override
        public long retained() {
            return retained.get();
        }

        @Override
        protected void release() {
            SESSIONS.keySet().removeIf(key -> key.startsWith(prefix));
            retained.set(0);
        }
    }
}
