package io.leakwatch.demo;

import java.util.Map;
import java.util.Set;

/**
 * One behaviour from the zoo: a leak, or a healthy program that looks like one. Every scenario runs on
 * top of steady request-like garbage ({@link RequestWork}) so the GC sawtooth is real, and declares
 * what a detector should conclude about it: its {@link #label()}, the {@link #signal()} it moves and the
 * long-run floor slope of that signal ({@link #expectedRate()}, zero for healthy scenarios).
 *
 * <p>Implementations are stateless descriptions; {@link #start} creates all state, so a scenario can
 * be started several times (tests do).
 */
public interface Scenario {

    /** Registry name, lower-case with dashes, e.g. {@code static-map}. */
    String name();

    Label label();

    /** The signal whose floor this scenario moves (leak) or makes look like it moves (healthy). */
    Signal signal();

    /** Other signals that move as a side effect (e.g. threads also cost native stack memory). */
    default Set<Signal> alsoMoves() {
        return Set.of();
    }

    /** One sentence for the manifest: what the program does and why it leaks or does not. */
    String description();

    /**
     * The scenario's own default arguments (at least {@code rate}); together with the common keys
     * ({@link ScenarioSettings#COMMON_KEYS}) they are the only keys the scenario accepts.
     */
    Map<String, String> defaultArgs();

    /** Starts the work on named daemon threads and returns at once. */
    RunningScenario start(ScenarioSettings settings);

    /** Long-run slope of the signal's floor at the default rate, in {@link Signal#rateUnit()}: 0 if healthy. */
    default double expectedRate() {
        return label() == Label.LEAK ? Double.parseDouble(defaultArgs().get("rate")) : 0.0;
    }
}
