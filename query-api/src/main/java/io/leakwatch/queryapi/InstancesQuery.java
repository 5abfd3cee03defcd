package io.leakwatch.queryapi;

/**
 * A validated {@code GET /api/v1/instances} request: the range [fromMillis, toMillis), a limit, and optional
 * service, version and environment filters (null: any).
 */
public record InstancesQuery(long fromMillis, long toMillis, int limit, String service, String version,
                             String environment) {
}
