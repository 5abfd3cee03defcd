package io.leakwatch.analysis.fleet;

import io.leakwatch.analysis.SignalResult;
import java.util.List;
import java.util.Objects;

/**
 * One instance's results with the labels the fleet view groups by.
 *
 * @param service     service name
 * @param version     service version the instance runs
 * @param instance    instance id
 * @param firstSeenMs when the instance (hence its version) was first seen, epoch ms; orders versions
 * @param results     the instance's per-signal results
 */
public record InstanceResults(String service, String version, String instance, long firstSeenMs,
                              List<SignalResult> results) {

    public InstanceResults {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(instance, "instance");
        results = List.copyOf(results);
    }
}
