package io.leakwatch.store;

import java.util.List;

/**
 * A service as seen in a time range: its versions (with how many instances last ran each, most recent
 * first), its instance count, when any of them was last seen, and the environments its instances last
 * reported (sorted; empty names left out).
 */
public record ServiceInfo(String service, List<VersionCount> versions, long instances, long lastSeenMillis,
                          List<String> environments) {
    public ServiceInfo {
        versions = List.copyOf(versions);
        environments = environments == null ? List.of() : List.copyOf(environments);
    }

    /** Without environments. */
    public ServiceInfo(String service, List<VersionCount> versions, long instances, long lastSeenMillis) {
        this(service, versions, instances, lastSeenMillis, List.of());
    }

    /** One version of a service and the instances whose latest report carried it. */
    public record VersionCount(String version, long instances, long lastSeenMillis) {
    }
}
