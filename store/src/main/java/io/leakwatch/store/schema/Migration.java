package io.leakwatch.store.schema;

import java.util.List;

/** One schema version: its number, a description for the record, and idempotent statements run in order. */
public record Migration(int version, String description, List<String> statements) {
    public Migration {
        statements = List.copyOf(statements);
    }
}
