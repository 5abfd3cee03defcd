package io.leakwatch.queryapi;

import java.time.Duration;

/**
 * A validated {@code GET /api/v1/leaks} request.
 *
 * @param window        analysis window ending now
 * @param service       only this service, or null for all
 * @param environment   only instances whose latest environment is this one, or null for all
 * @param minConfidence suspects below this confidence are left out
 * @param limit         page size
 * @param offset        suspects skipped before the page
 */
public record LeaksQuery(Duration window, String service, String environment, int minConfidence, int limit,
                         int offset) {
}
