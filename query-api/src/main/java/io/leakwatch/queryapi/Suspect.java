package io.leakwatch.queryapi;

import io.leakwatch.analysis.Reason;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;

/**
 * One entry of the fleet ranking: a growing signal of one instance, or (with {@code instance} null) a
 * growth shared by most instances of one service version.
 *
 * @param service                 service name
 * @param version                 version the instance runs, or the growing version for a service finding
 * @param instance                instance id, or null for a service-level finding
 * @param signal                  the growing signal
 * @param verdict                 leak or growing
 * @param confidence              0–100
 * @param slopePerHour            growth in {@code unit} per hour (median over instances for a service finding)
 * @param unit                    unit of the slope's numerator
 * @param timeToExhaustionSeconds seconds until the limit is reached, or null when no limit is known
 * @param sinceMs                 when the growth began, or null
 * @param reason                  message key and parameters
 * @param growingInstances        for a service finding: instances of the version that grow, else null
 * @param instances               for a service finding: judged instances of the version, else null
 * @param environment             the instance's deployment environment (empty when it reports none); for a
 *                                service finding the environment the ranking was filtered on, else null
 */
public record Suspect(String service, String version, String instance, Signal signal, Verdict verdict,
                      int confidence, double slopePerHour, String unit, Long timeToExhaustionSeconds, Long sinceMs,
                      Reason reason, Integer growingInstances, Integer instances, String environment) {

    /** Without an environment. */
    public Suspect(String service, String version, String instance, Signal signal, Verdict verdict, int confidence,
                   double slopePerHour, String unit, Long timeToExhaustionSeconds, Long sinceMs, Reason reason,
                   Integer growingInstances, Integer instances) {
        this(service, version, instance, signal, verdict, confidence, slopePerHour, unit, timeToExhaustionSeconds,
                sinceMs, reason, growingInstances, instances, null);
    }
}
