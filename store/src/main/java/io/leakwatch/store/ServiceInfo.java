package io.leakwatch.store;

import java.util.List;

/**
 * A service as seen in a time range: its versions (with how many instances last ran each, most recent
 * first), its instance count and when any of them was last seen.
 */
public record ServiceInfo(String service, List<VersionCount> versions, long instances, long lastSeenMillis) {
    public ServiceInfo {
        versions = List.copyOf(versions);
    }

    /** One version of a service and the instances whose latest report carried it. */
    public record VersionCount(String version, long instances, long lastSeenMillis) {
    }
}
