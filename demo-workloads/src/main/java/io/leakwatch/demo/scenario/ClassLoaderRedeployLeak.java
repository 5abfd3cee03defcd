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
import java.util.Set;
import java.util.function.Supplier;

/**
 * Leak on redeploy: each hot redeploy defines the application class in a fresh class loader, and the
 * old deploy's instance stays registered in a static registry (as a JDBC driver or a shutdown hook
 * would), pinning its loader. Loaded class count and metaspace grow; nothing is ever unloaded.
 */
public final class ClassLoaderRedeployLeak implements Scenario {
    // The static registry that outlives every deploy: the GC root of the leak.
    static final List<Supplier<String>> REGISTERED = new ArrayList<>();

    @Override
    public String name() {
        return "classloader-redeploy";
    }

    @Override
    public Label label() {
        return Label.LEAK;
    }

    @Override
    public Signal signal() {
        return Signal.CLASSES;
    }

    @Override
    public Set<Signal> alsoMoves() {
        return Set.of(Signal.METASPACE);
    }

    @Override
    public String description() {
        return "Each redeploy defines the app class in a new class loader; the old instance stays in a static registry, pinning the loader.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "2");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final List<Supplier<String>> mine = new ArrayList<>();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer deploys = new Pacer(settings.rate());
            every(TICK_MILLIS, () -> {
                for (long i = deploys.due(elapsedSeconds()); i > 0; i--) {
                    Supplier<String> app = IsolatedPluginLoader.deploy("deploy-" + operations());
                    app.get();
                    synchronized (REGISTERED) {
                        REGISTERED.add(app);
                        mine.add(app);
                    }
                    countOperations(1);
                }
            });
        }

        @Override
        public long retained() {
            synchronized (REGISTERED) {
                return mine.size();
            }
        }

        @Override
        protected void release() {
            synchronized (REGISTERED) {
                REGISTERED.removeAll(mine);
                mine.clear();
            }
        }
    }
}
