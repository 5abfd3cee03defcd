package io.leakwatch.demo;

/**
 * Turns a rate into whole units due at each tick without drift: the total emitted always equals
 * {@code floor(rate * elapsed)}, whatever the tick jitter. Not thread-safe; one ticking task owns it.
 */
public final class Pacer {
    private final double perSecond;
    private long emitted;

    public Pacer(double perSecond) {
        this.perSecond = perSecond;
    }

    /** Units due now that were not returned before, given the seconds since the scenario started. */
    public long due(double elapsedSeconds) {
        long total = (long) Math.floor(perSecond * elapsedSeconds);
        long due = Math.max(0, total - emitted);
        emitted += due;
        return due;
    }
}
