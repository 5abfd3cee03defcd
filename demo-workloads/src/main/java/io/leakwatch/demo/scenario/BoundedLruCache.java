package io.leakwatch.demo.scenario;

import io.leakwatch.demo.Label;
import io.leakwatch.demo.Pacer;
import io.leakwatch.demo.RunningScenario;
import io.leakwatch.demo.Scenario;
import io.leakwatch.demo.ScenarioRun;
import io.leakwatch.demo.ScenarioSettings;
import io.leakwatch.demo.Signal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Healthy look-alike: a product-page cache that fills at {@code rate} while warming up and then holds
 * {@code limit} KiB, evicting the least recently used entry for every new one. It keeps inserting
 * forever; the floor of the heap rises and then stays flat.
 */
public final class BoundedLruCache implements Scenario {
    static final int ENTRY_BYTES = 1024;

    @Override
    public String name() {
        return "bounded-lru-cache";
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
        return "An LRU cache (LinkedHashMap with removeEldestEntry) fills at rate up to limit KiB, then evicts one entry per insert.";
    }

    @Override
    public Map<String, String> defaultArgs() {
        return Map.of("rate", "256", "limit", "32768");
    }

    @Override
    public RunningScenario start(ScenarioSettings settings) {
        return new Run(name(), settings);
    }

    /** The bounded cache: access order, and the eldest entry goes once the bound is passed. */
    static final class LruCache<K, V> extends LinkedHashMap<K, V> {
        private static final long serialVersionUID = 1L;
        private final long maxEntries;

        LruCache(long maxEntries) {
            super(16, 0.75f, true);
            this.maxEntries = maxEntries;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > maxEntries;
        }
    }

    private static final class Run extends ScenarioRun {
        private final LruCache<String, byte[]> cache;

        Run(String name, ScenarioSettings settings) {
            super(name, settings);
            cache = new LruCache<>(settings.limit() * 1024 / ENTRY_BYTES);
            Pacer inserts = new Pacer(settings.rate() * 1024.0 / ENTRY_BYTES);
            every(TICK_MILLIS, () -> {
                for (long i = inserts.due(elapsedSeconds()); i > 0; i--) {
                    synchronized (cache) {
                        cache.put(UUID.randomUUID().toString(), new byte[ENTRY_BYTES]);
                    }
                    countOperations(1);
                }
            });
        }

        @Override
        public long retained() {
            synchronized (cache) {
                return (long) cache.size() * ENTRY_BYTES;
            }
        }

        @Override
        protected void release() {
            synchronized (cache) {
                cache.clear();
            }
        }
    }
}
