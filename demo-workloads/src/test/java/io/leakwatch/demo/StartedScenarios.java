package io.leakwatch.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts scenarios for a test by name and arguments, and closes every one of them afterwards. */
final class StartedScenarios implements AutoCloseable {
    private final List<RunningScenario> started = new ArrayList<>();

    RunningScenario start(String name, Map<String, String> args) {
        Scenario scenario = Scenarios.byName(name).orElseThrow();
        RunningScenario running = scenario.start(ScenarioSettings.parse(scenario, args));
        started.add(running);
        return running;
    }

    @Override
    public void close() {
        started.forEach(RunningScenario::close);
        started.clear();
    }
}
