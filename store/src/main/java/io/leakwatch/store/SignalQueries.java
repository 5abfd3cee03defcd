package io.leakwatch.store;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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
     * As {@link #services(long, long)}, counting only instances whose latest environment is
     * {@code environment} (null: all). A store that cannot filter refuses rather than widen the answer.
     */
    default List<ServiceInfo> services(long fromMillis, long toMillis, String environment) {
        if (environment == null) {
            return services(fromMillis, toMillis);
        }
        throw new UnsupportedOperationException("this store cannot filter services by environment");
    }

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

    /**
     * The reduced signals of exactly the given instances (those with data), ordered by instance id: each
     * entry equals what {@link #signals} returns for that instance alone. The default asks per instance.
     */
    default List<InstanceSignals> signals(List<String> instances, long fromMillis, long toMillis, long stepMillis) {
        List<InstanceSignals> out = new ArrayList<>();
        for (String id : instances.stream().distinct().sorted().toList()) {
            out.addAll(signals(null, id, fromMillis, toMillis, stepMillis, 1));
        }
        return out;
    }

    /**
     * A cheap first look at every instance seen in [fromMillis, toMillis): how much its fastest-growing floor
     * grew over the window (see {@link Screened#growth()}), so that the full analysis can be kept for the
     * instances that grow. Ordered by instance id, at most {@link #MAX_INSTANCES}. The default screens
     * nobody out: it reports every instance of {@link #signals} with an infinite growth.
     *
     * @param service     only this service, or null for all
     * @param environment only instances whose latest environment is this one, or null for all
     */
    default List<Screened> screen(String service, String environment, long fromMillis, long toMillis) {
        List<Screened> out = new ArrayList<>();
        for (InstanceSignals s : signals(service, null, fromMillis, toMillis, 60_000, MAX_INSTANCES)) {
            if (environment == null || environment.equals(s.environment())) {
                Set<ReducedSignal> present = s.series().isEmpty() ? EnumSet.noneOf(ReducedSignal.class)
                        : EnumSet.copyOf(s.series().keySet());
                out.add(new Screened(s.instance(), s.service(), s.version(), s.environment(), s.firstSeenMs(),
                        Double.POSITIVE_INFINITY, present));
            }
        }
        return out;
    }

    /**
     * One instance as the screening saw it.
     *
     * @param growth  over the window, the largest growth of any of its floors (per-15-minute minima of memory
     *                pools, used after GC, classes, threads, buffers, RSS, file descriptors), as a share of
     *                that floor's mean: a least-squares slope times the window; 0 when nothing grows,
     *                infinite when not screened
     * @param present the reduced signals it has data for (GC share is not screened and never listed)
     */
    record Screened(String instance, String service, String version, String environment, long firstSeenMs,
                    double growth, Set<ReducedSignal> present) {
        public Screened {
            present = present.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(present));
        }
    }
}
