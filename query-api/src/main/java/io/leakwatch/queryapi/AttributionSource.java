package io.leakwatch.queryapi;

import io.leakwatch.store.jfr.Attribution;
import io.leakwatch.store.jfr.JfrQueries;

/**
 * The store's JFR attribution read, as the attribution endpoint needs it: blocking, called on a worker only.
 * {@link JfrQueries#attribution(String, long, long, long, long, int)} is the production implementation
 * ({@code jfrQueries::attribution}); tests give a fake.
 */
@FunctionalInterface
public interface AttributionSource {

    /** See {@link JfrQueries#attribution(String, long, long, long, long, int)}. */
    Attribution attribution(String instance, long fromMillis, long toMillis, long baselineFromMillis,
                            long baselineToMillis, int maxClasses);

    /** Adapts the store's reader. */
    static AttributionSource of(JfrQueries queries) {
        return queries::attribution;
    }
}
