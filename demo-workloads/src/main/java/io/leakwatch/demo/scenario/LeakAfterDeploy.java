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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Leak introduced by a release: healthy request work until {@code deploy-at}, then the "new version"
 * code path memoises every response (1 KiB) in an unbounded list, at {@code rate}. It prints one line
 * on stdout when the deploy happens so a recording can be labelled.
 *
 * <p>The process keeps one {@code service.version}: a resource attribute is fixed when the agent starts.
 * A runner that wants the version to change for real runs the old version as any healthy scenario, stops
 * it, and starts the new one with {@code scenario=leak-after-deploy deploy-at=0s} and the new
 * {@code service.version}. Kept in one process, the scenario models "the leak starts at a known time".
 */
public final class LeakAfterDeploy implements Scenario {
    static final int ENTRY_BYTES = 1024;

    @Override
    public String name() {
        return "leak-after-deploy";
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
        return "Healthy until deploy-at, then the new version's response memoisation leaks 1 KiB per response at rate.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "64", "deploy-at", "2m");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final List<byte[]> memoised = new ArrayList<>();
        private final AtomicLong retained = new AtomicLong();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            after(settings.deployAt(), () -> {
                System.out.printf(Locale.ROOT, "scenario %s: simulated deploy at +%dms, leak starts%n", name,
                        settings.deployAt().toMillis());
                Pacer responses = new Pacer(settings.rate() * 1024.0 / ENTRY_BYTES);
                double deployedAt = elapsedSeconds();
                every(TICK_MILLIS, () -> {
                    for (long i = responses.due(elapsedSeconds() - deployedAt); i > 0; i--) {
                        synchronized (memoised) {
                            memoised.add(new byte[ENTRY_BYTES]);
                        }
                        retained.addAndGet(ENTRY_BYTES);
                        countOperations(1);
                    }
                });
            });
        }

        @Override
        public long retained() {
            return retained.get();
        }

        @Override
        protected void release() {
            synchronized (memoised) {
                memoised.clear();
            }
            retained.set(0);
        }
    }
}
