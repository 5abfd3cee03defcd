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
 * Leak: each request subscribes a listener to a long-lived event bus to hear about price changes and
 * never unsubscribes. Every listener keeps its request context (1 KiB) alive.
 */
public final class ListenerRegistryLeak implements Scenario {
    static final int CONTEXT_BYTES = 1024;

    @Override
    public String name() {
        return "listener-registry";
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
        return "Each request adds a listener (holding its 1 KiB request context) to a long-lived event bus and never removes it.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "64");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    interface PriceListener {
        void priceChanged(String sku);
    }

    /** The long-lived bus; the missing {@code unsubscribe} call is the bug. */
    static final class EventBus {
        private final List<PriceListener> listeners = new ArrayList<>();

        synchronized void subscribe(PriceListener listener) {
            listeners.add(listener);
        }

        synchronized int size() {
            return listeners.size();
        }

        synchronized void clear() {
            listeners.clear();
        }
    }

    private static final class Run extends ScenarioRun {
        private final EventBus bus = new EventBus();
        private final AtomicLong retained = new AtomicLong();

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer requests = new Pacer(settings.rate() * 1024.0 / CONTEXT_BYTES);
            every(TICK_MILLIS, () -> {
                for (long i = requests.due(elapsedSeconds()); i > 0; i--) {
                    byte[] requestContext = new byte[CONTEXT_BYTES];
                    bus.subscribe(sku -> requestContext[0]++);
                    countOperations(1);
                }
                retained.set((long) bus.size() * CONTEXT_BYTES);
            });
        }

        @Override
        public long retained() {
            return retained.get();
        }

        @Override
        protected void release() {
            bus.clear();
            retained.set(0);
        }
    }
}
