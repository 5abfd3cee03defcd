package io.leakwatch.queryapi;

/**
 * A validated {@code GET /api/v1/instances/{id}/attribution} request: two half-open ranges in epoch ms.
 *
 * @param instance   {@code service.instance.id}
 * @param from       range start
 * @param to         range end (exclusive)
 * @param baselineFrom baseline start
 * @param baselineTo baseline end (exclusive)
 * @param maxClasses how many grown classes to return at most
 */
public record AttributionQuery(String instance, long from, long to, long baselineFrom, long baselineTo, int maxClasses) {
}
