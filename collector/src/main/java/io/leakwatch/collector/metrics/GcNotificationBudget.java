package io.leakwatch.collector.metrics;

/**
 * Whether the collector should listen to GC notifications, decided once per collection tick from the rate
 * of collections since the previous tick. Listening costs the JVM, at every collection, the building of a
 * notification (usage of every pool before and after, as open-type composite data) on its notification
 * thread; at a few collections a second that is nothing, but a JVM in a GC storm (tens of young collections a
 * second) pays it tens of times a second, which is where an agent stops being cheap. Above
 * {@code maxPerSecond} the collector stops listening and reads the collectors' counters and last
 * collection at each tick instead; it listens again once the rate has fallen to half the limit, so a rate
 * near the limit does not flap.
 *
 * @param maxPerSecond collections per second up to which every one is observed; 0: never listen
 */
record GcNotificationBudget(double maxPerSecond) {
    /** Five a second: a service with a right-sized young generation collects far less often. */
    static final double DEFAULT_MAX_PER_SECOND = 5;

    GcNotificationBudget {
        if (!(maxPerSecond >= 0)) {
            throw new IllegalArgumentException("maxPerSecond must be >= 0, got " + maxPerSecond);
        }
    }

    /**
     * Whether to listen from now on, given whether the collector listens now and the collections seen over the
     * last {@code seconds}. A tick with no elapsed time changes nothing.
     */
    boolean listen(boolean listening, long collections, double seconds) {
        if (maxPerSecond == 0) {
            return false;
        }
        if (!(seconds > 0)) {
            return listening;
        }
        double rate = collections / seconds;
        return listening ? rate <= maxPerSecond : rate <= maxPerSecond / 2;
    }
}
