package io.leakwatch.queryapi;

/** A validated {@code GET /api/v1/instances} request: the range [fromMillis, toMillis) and a limit. */
public record InstancesQuery(long fromMillis, long toMillis, int limit) {
}
