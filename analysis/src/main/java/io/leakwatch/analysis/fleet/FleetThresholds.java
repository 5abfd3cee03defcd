package io.leakwatch.analysis.fleet;

/**
 * Thresholds of the fleet view.
 *
 * @param minGrowingShare         a version is reported when more than this share of its judged instances grow
 * @param maxPreviousGrowingShare … and at most this share of the previous version's judged instances grew
 * @param minInstances            versions with fewer judged instances are not reported at service level
 */
public record FleetThresholds(double minGrowingShare, double maxPreviousGrowingShare, int minInstances) {

    /** More than half grow, at most a fifth of the previous version grew, at least two instances. */
    public static final FleetThresholds DEFAULTS = new FleetThresholds(0.5, 0.2, 2);

    public FleetThresholds {
        if (!(minGrowingShare >= 0 && minGrowingShare < 1) || !(maxPreviousGrowingShare >= 0 && maxPreviousGrowingShare <= 1)
                || minInstances < 1) {
            throw new IllegalArgumentException("invalid fleet thresholds");
        }
    }
}
