package io.leakwatch.analysis;

import java.time.Duration;

/**
 * The typed, immutable thresholds of a {@link LeakRule}. Start from {@link Signal#defaultThresholds()}
 * and change single values with the {@code with…} methods.
 *
 * @param minPoints               fewer points than this (after warm-up exclusion) → {@code insufficient_data}
 * @param minWindow               a shorter span (after warm-up exclusion) → {@code insufficient_data}
 * @param warmupFraction          share of the window dropped at its start when the process start is unknown
 * @param warmupAfterStart        time after the process start that is dropped when the start is known
 * @param maxPValue               one-sided Mann–Kendall p-value below which an increase is significant
 * @param minSlopePerHour         smallest slope that matters, in the signal's unit per hour
 * @param minRelativeSlopePerHour smallest slope that matters as a share of the limit per hour (when a
 *                                limit is known; 0 disables)
 * @param plateauTolerance        the latest part's slope below this share of the overall slope means the
 *                                growth has stopped (plateau)
 * @param releaseFraction         a drop from an earlier high of at least this share of the fitted rise
 *                                means the memory was released (batch, load), not leaked
 * @param requireReclaimEvidence  whether {@code leak} needs old-gen-reclaiming collections in the growth
 *                                period (heap); without them the verdict is {@code growing}
 * @param minReclaimEvents        how many such collections confirm the growth
 * @param leakMinConfidence       below this confidence a significant growth is reported as {@code growing}
 * @param fullConfidenceWindow    a growth observed this long gets the full duration share of confidence
 * @param envelopeBucket          bucket width of the lower envelope for raw (sawtooth) series
 * @param maxPoints               longer series are reduced to this many bucket medians before fitting
 * @param maxPairs                cap on the Theil–Sen pairwise slopes (sampled deterministically beyond it)
 * @param floorEnvelopeBucket     bucket width of a lower envelope taken of {@link Series.Kind#FLOOR} series too
 *                                ({@link Duration#ZERO}: used as is). A used-after-GC reading is an upper bound
 *                                of the live set: a collection that ran while transient data was held (a report,
 *                                a batch) reads high, so the heap's post-GC floor is enveloped as well
 * @param zeroIsMissing           whether a value of exactly 0 means "not measured yet" and is dropped: the old
 *                                pool's used-after-GC reads 0 until its first collection, and no live heap is 0
 */
public record LeakThresholds(
        int minPoints,
        Duration minWindow,
        double warmupFraction,
        Duration warmupAfterStart,
        double maxPValue,
        double minSlopePerHour,
        double minRelativeSlopePerHour,
        double plateauTolerance,
        double releaseFraction,
        boolean requireReclaimEvidence,
        int minReclaimEvents,
        int leakMinConfidence,
        Duration fullConfidenceWindow,
        Duration envelopeBucket,
        int maxPoints,
        int maxPairs,
        Duration floorEnvelopeBucket,
        boolean zeroIsMissing) {

    /** Generic defaults; {@link Signal#defaultThresholds()} adapts the slope floors per signal. */
    public static final LeakThresholds DEFAULTS = new LeakThresholds(
            20, Duration.ofMinutes(60), 0.10, Duration.ofMinutes(10), 0.01, 0.0, 0.0005, 0.25, 0.30,
            false, 2, 50, Duration.ofHours(6), Duration.ofMinutes(5), 2_000, 50_000,
            Duration.ZERO, false);

    /** Validates ranges so a bad configuration fails at start-up, not during analysis. */
    public LeakThresholds {
        require(minPoints >= 3, "minPoints must be at least 3");
        require(minWindow != null && !minWindow.isNegative(), "minWindow must be non-negative");
        require(warmupFraction >= 0 && warmupFraction < 0.9, "warmupFraction must be in [0, 0.9)");
        require(warmupAfterStart != null && !warmupAfterStart.isNegative(), "warmupAfterStart must be non-negative");
        require(maxPValue > 0 && maxPValue < 1, "maxPValue must be in (0, 1)");
        require(minSlopePerHour >= 0, "minSlopePerHour must be non-negative");
        require(minRelativeSlopePerHour >= 0, "minRelativeSlopePerHour must be non-negative");
        require(plateauTolerance >= 0 && plateauTolerance < 1, "plateauTolerance must be in [0, 1)");
        require(releaseFraction > 0 && releaseFraction <= 1, "releaseFraction must be in (0, 1]");
        require(minReclaimEvents >= 0, "minReclaimEvents must be non-negative");
        require(leakMinConfidence >= 0 && leakMinConfidence <= 100, "leakMinConfidence must be in [0, 100]");
        require(fullConfidenceWindow != null && fullConfidenceWindow.toMillis() > 0, "fullConfidenceWindow must be positive");
        require(envelopeBucket != null && envelopeBucket.toMillis() > 0, "envelopeBucket must be positive");
        require(maxPoints >= minPoints && maxPoints <= 100_000, "maxPoints must be in [minPoints, 100000]");
        require(maxPairs >= 100, "maxPairs must be at least 100");
        require(floorEnvelopeBucket != null && !floorEnvelopeBucket.isNegative(), "floorEnvelopeBucket must be non-negative");
    }

    /**
     * The same rule on a compressed time scale, for demos and drills that must show a verdict in
     * minutes: the minimum window becomes {@code minWindow}, and the warm-up after start, the window of
     * full confidence and the envelope bucket shrink by the same factor (never below one minute, the
     * rollup's resolution); {@code minPoints} shrinks with it but stays at least 8.
     */
    public LeakThresholds compressedTo(Duration newMinWindow) {
        require(newMinWindow != null && newMinWindow.toMinutes() >= 5, "a compressed minWindow must be at least 5m");
        double factor = (double) newMinWindow.toMillis() / minWindow.toMillis();
        int points = Math.max(8, Math.min(minPoints, (int) Math.round(minPoints * factor)));
        return new LeakThresholds(points, newMinWindow, warmupFraction, scaled(warmupAfterStart, factor), maxPValue,
                minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence,
                minReclaimEvents, leakMinConfidence, scaled(fullConfidenceWindow, factor),
                scaled(envelopeBucket, factor), Math.max(maxPoints, points), maxPairs,
                floorEnvelopeBucket.isZero() ? Duration.ZERO : scaled(floorEnvelopeBucket, factor), zeroIsMissing);
    }

    private static Duration scaled(Duration duration, double factor) {
        long millis = Math.round(duration.toMillis() * factor);
        return Duration.ofMillis(Math.max(Duration.ofMinutes(1).toMillis(), millis));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public LeakThresholds withMinPoints(int v) {
        return new LeakThresholds(v, minWindow, warmupFraction, warmupAfterStart, maxPValue, minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, maxPairs, floorEnvelopeBucket, zeroIsMissing);
    }

    public LeakThresholds withMinWindow(Duration v) {
        return new LeakThresholds(minPoints, v, warmupFraction, warmupAfterStart, maxPValue, minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, maxPairs, floorEnvelopeBucket, zeroIsMissing);
    }

    public LeakThresholds withWarmupFraction(double v) {
        return new LeakThresholds(minPoints, minWindow, v, warmupAfterStart, maxPValue, minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, maxPairs, floorEnvelopeBucket, zeroIsMissing);
    }

    public LeakThresholds withMaxPValue(double v) {
        return new LeakThresholds(minPoints, minWindow, warmupFraction, warmupAfterStart, v, minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, maxPairs, floorEnvelopeBucket, zeroIsMissing);
    }

    public LeakThresholds withMinSlopePerHour(double v) {
        return new LeakThresholds(minPoints, minWindow, warmupFraction, warmupAfterStart, maxPValue, v, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, maxPairs, floorEnvelopeBucket, zeroIsMissing);
    }

    public LeakThresholds withMinRelativeSlopePerHour(double v) {
        return new LeakThresholds(minPoints, minWindow, warmupFraction, warmupAfterStart, maxPValue, minSlopePerHour, v, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, maxPairs, floorEnvelopeBucket, zeroIsMissing);
    }

    public LeakThresholds withRequireReclaimEvidence(boolean v) {
        return new LeakThresholds(minPoints, minWindow, warmupFraction, warmupAfterStart, maxPValue, minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, v, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, maxPairs, floorEnvelopeBucket, zeroIsMissing);
    }

    public LeakThresholds withEnvelopeBucket(Duration v) {
        return new LeakThresholds(minPoints, minWindow, warmupFraction, warmupAfterStart, maxPValue, minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, v, maxPoints, maxPairs, floorEnvelopeBucket, zeroIsMissing);
    }

    public LeakThresholds withMaxPairs(int v) {
        return new LeakThresholds(minPoints, minWindow, warmupFraction, warmupAfterStart, maxPValue, minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, v, floorEnvelopeBucket, zeroIsMissing);
    }

    public LeakThresholds withFloorEnvelopeBucket(Duration v) {
        return new LeakThresholds(minPoints, minWindow, warmupFraction, warmupAfterStart, maxPValue, minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, maxPairs, v, zeroIsMissing);
    }

    public LeakThresholds withZeroIsMissing(boolean v) {
        return new LeakThresholds(minPoints, minWindow, warmupFraction, warmupAfterStart, maxPValue, minSlopePerHour, minRelativeSlopePerHour, plateauTolerance, releaseFraction, requireReclaimEvidence, minReclaimEvents, leakMinConfidence, fullConfidenceWindow, envelopeBucket, maxPoints, maxPairs, floorEnvelopeBucket, v);
    }
}
