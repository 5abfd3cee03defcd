package io.leakwatch.demo;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The classic leak: a static map of sessions keyed by unique ids and never evicted. The demo's
 * JFR attribution should name {@code HashMap$Node} allocated at {@link #put} and held by
 * {@link #ENTRIES}.
 */
final class SessionCache {
    private static final Map<String, byte[]> ENTRIES = new HashMap<>();
    private static final SessionCache SHARED = new SessionCache();

    static SessionCache shared() {
        return SHARED;
    }

    void put(int bytes) {
        synchronized (ENTRIES) {
            ENTRIES.put(UUID.randomUUID().toString(), new byte[bytes]);
        }
    }
}
