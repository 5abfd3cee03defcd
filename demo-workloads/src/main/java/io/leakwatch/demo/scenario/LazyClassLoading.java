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
 * Healthy: a plugin host loads its {@code limit} plugins lazily during start-up (each in its own
 * loader, on first use) and then stops. The class count rises steeply and then stays flat.
 */
public final class LazyClassLoading implements Scenario {

    @Override
    public String name() {
        return "lazy-class-loading";
    }

    @Override
    public Label label() {
        return Label.HEALTHY;
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
        return "Start-up loads limit plugin classes lazily, each in its own loader, then loads nothing more.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "20", "limit", "400");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    private static final class Run extends ScenarioRun {
        private final List<Supplier<String>> plugins = new ArrayList<>();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer loads = new Pacer(settings.rate());
            long limit = settings.limit();
            every(TICK_MILLIS, () -> {
                for (long i = loads.due(elapsedSeconds()); i > 0 && retained() < limit; i--) {
                    Supplier<String> plugin = IsolatedPluginLoader.deploy("plugin-" + operations());
                    plugin.get();
                    synchronized (plugins) {
                        plugins.add(plugin);
                    }
                    countOperations(1);
                }
            });
        }

        @Override
        public long retained() {
            synchronized (plugins) {
                return plugins.size();
            }
        }

        @Override
        protected void release() {
            synchronized (plugins) {
                plugins.clear();
            }
        }
    }
}
