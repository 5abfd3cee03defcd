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
 * Leak: each upload registers a completion handler whose lambda captures the whole 64 KiB upload, only
 * to log its length later. The handlers live as long as the registry, and so do the uploads.
 */
public final class CapturedHandlerLeak implements Scenario {
    static final int UPLOAD_BYTES = 64 * 1024;

    @Override
    public String name() {
        return "captured-handler";
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
        return "Each upload registers a completion handler whose closure captures the 64 KiB upload; handlers are never deregistered.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "64");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    /** Handlers to run when the service shuts down: in practice, never. */
    static final class CompletionHandlers {
        private final List<Runnable> handlers = new ArrayList<>();

        synchronized void register(Runnable handler) {
            handlers.add(handler);
        }

        synchronized void clear() {
            handlers.clear();
        }
    }

    private static final class Run extends ScenarioRun {
        private final CompletionHandlers handlers = new CompletionHandlers();
        private final AtomicLong retained = new AtomicLong();
        // Written by the handlers so the capture is real use, not dead code.
        private volatile long logged;

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer uploads = new Pacer(settings.rate() * 1024.0 / UPLOAD_BYTES);
            every(TICK_MILLIS, () -> {
                for (long i = uploads.due(elapsedSeconds()); i > 0; i--) {
                    byte[] upload = new byte[UPLOAD_BYTES];
                    handlers.register(() -> logged += upload.length);
                    retained.addAndGet(UPLOAD_BYTES);
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
            handlers.clear();
            retained.set(0);
        }
    }
}
