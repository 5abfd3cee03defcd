package io.leakwatch.ingest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per distinct short string (metric names, units, attribute keys and values) across everything a
 * decoder produces. Protobuf makes a new {@code String} for every field of every record, so without sharing each
 * decoded row held its own copies of the same few hundred strings until its batch was inserted: most of a batch's
 * live memory, copied by every young collection it survived. A shared instance also keeps its hash code, which the
 * series id computation asks for on every row.
 *
 * <p>Bounded: once {@code capacity} strings are pooled, new ones pass through unshared (a source with unbounded
 * attribute values fills the pool once and costs nothing more); strings longer than {@link #MAX_LENGTH} are never
 * pooled. Thread-safe.
 */
final class StringPool {
    /** Longer strings are passed through: they are rarely repeated names, and would make the pool's size unbounded. */
    static final int MAX_LENGTH = 128;

    private final ConcurrentHashMap<String, String> pool = new ConcurrentHashMap<>();
    private final int capacity;

    StringPool(int capacity) {
        this.capacity = capacity;
    }

    /** The pooled string equal to {@code s}, pooling it if there is room; {@code s} itself otherwise. */
    String share(String s) {
        if (s.length() > MAX_LENGTH) {
            return s;
        }
        String shared = pool.get(s);
        if (shared != null) {
            return shared;
        }
        if (pool.size() >= capacity) {
            return s;
        }
        shared = pool.putIfAbsent(s, s);
        return shared == null ? s : shared;
    }

    int size() {
        return pool.size();
    }
}
