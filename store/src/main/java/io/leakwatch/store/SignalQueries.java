package io.leakwatch.store;

import java.util.List;

/**
 * The reads the leak analysis needs, with the heavy lifting (per-bucket floors, sums over pools, counter
 * increases, collection evidence) done in the store so that Java fits a few hundred points per signal.
 * Blocking: call from a worker thread.
 */
public interface SignalQueries {

    /** Most instances one {@link #signals} call returns. */
    int MAX_INSTANCES = 20_000;

    /** Services with an instance seen in [fromMillis, toMillis), by name. */
    List<ServiceInfo> services(long fromMillis, long toMillis);

    /**
     * Reduced signals of the instances seen in [fromMillis, toMillis), one entry per instance ordered by
     * instance id, at most {@code limit} (clamped to {@link #MAX_INSTANCES}).
     *
     * @param service    only this service, or null for all
     * @param instance   only this instance, or null for all
     * @param stepMillis bucket width, a whole number of minutes (rounded up; at least one minute)
     */
    List<InstanceSignals> signals(String service, String instance, long fromMillis, long toMillis, long stepMillis,
                                  int limit);
}
