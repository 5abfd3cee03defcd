package io.leakwatch.store.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server settings of one insert through {@link ServerEngine}.
 *
 * <p>A dedup token also deduplicates the blocks the materialized views derive from the insert. Into a
 * {@code Distributed} table (the schema laid out on a cluster) an insert is by default only queued on the
 * receiving node and forwarded later: ingest would commit Kafka offsets for rows no shard holds yet, a node
 * lost before forwarding would lose them, and a replayed batch would reach the shards outside their
 * replicated deduplication. {@code distributed_foreground_insert} makes the insert return only once every
 * shard has written its part of the block, with the same settings (the token) applied on the shards'
 * local tables.
 */
public final class ServerEngineSettings {
    private ServerEngineSettings() {
    }

    /** Settings for an insert with the given token (or none) into distributed tables or not. */
    public static Map<String, String> of(String dedupToken, boolean distributed) {
        Map<String, String> out = new LinkedHashMap<>();
        if (dedupToken != null) {
            out.put("deduplicate_blocks_in_dependent_materialized_views", "1");
        }
        if (distributed) {
            out.put("distributed_foreground_insert", "1");
        }
        return out;
    }
}
