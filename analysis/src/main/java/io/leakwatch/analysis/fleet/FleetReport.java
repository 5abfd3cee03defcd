package io.leakwatch.analysis.fleet;

import java.util.List;

/**
 * The fleet view: verdict counts per service, version and signal, and the service-level findings.
 *
 * @param versions per service/version/signal counts, ordered by service, then version age, then signal
 * @param findings service-level findings, ordered by confidence (highest first)
 */
public record FleetReport(List<VersionSummary> versions, List<ServiceFinding> findings) {

    public FleetReport {
        versions = List.copyOf(versions);
        findings = List.copyOf(findings);
    }
}
