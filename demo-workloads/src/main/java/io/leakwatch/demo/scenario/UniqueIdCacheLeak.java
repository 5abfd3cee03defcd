package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Leak: a price-quote cache whose key includes the request id, so it never hits and never evicts.
 * Looks like a cache in code review; behaves like an append-only log.
 */
public final class UniqueIdCacheLeak implements Scenario {
    static final int QUOTE_BYTES = 1024;

    @Override
    public String name() {
        return "unique-id-cache";
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
        return "A quote cache keyed by product and request id: every lookup misses and adds a 1 KiB entry; no eviction.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "64");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    /** The cache as a service would write it: compute-if-absent with no size bound. */
    static final class QuoteCache {
        private final Map<String, byte[]> quotes = new HashMap<>();

        synchronized byte[] quote(String productId, long requestId) {
            return quotes.computeIfAbsent(productId + ":" + requestId, key -> new byte[QUOTE_BYTES]);
        }

        synchronized int size() {
            return quotes.size();
        }

        synchronized void clear() {
            quotes.clear();
        }
    }

    private static final class Run extends ScenarioRun {
        private final QuoteCache cache = new QuoteCache();
        private final AtomicLong retained = new AtomicLong();
        private long nextRequestId;

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            Pacer quotes = new Pacer(settings.rate() * 1024.0 / QUOTE_BYTES);
            every(TICK_MILLIS, () -> {
                for (long i = quotes.due(elapsedSeconds()); i > 0; i--) {
                    long requestId = nextRequestId++;
                    cache.quote("sku-" + (requestId % 500), requestId);
                    countOperations(1);
                }
                retained.set((long) cache.size() * QUOTE_BYTES);
            });
        }

        @Override
        public long retained() {
            return retained.get();
        }

        @Override
        protected void release() {
            cache.clear();
            retained.set(0);
        }
    }
}
