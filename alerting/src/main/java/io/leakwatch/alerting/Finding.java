package io.leakwatch.alerting;

import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.SignalResult;
import io.leakwatch.analysis.Verdict;
import io.leakwatch.analysis.fleet.ServiceFinding;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an alert is about: one signal's analysis result for one or more instances of one service version.
 *
 * <p>Built from the analysis module's per-instance {@link SignalResult} or its fleet-level
 * {@link ServiceFinding}. The top suspected class and allocation site are filled in later by JFR
 * attribution ({@link #withAttribution}); both may be null.
 *
 * @param service                 {@code service.name}
 * @param version                 {@code service.version} ("" when unknown)
 * @param environment             {@code deployment.environment.name} ("" when unknown)
 * @param instances               the instance ids concerned, at least one
 * @param signal                  the analysed signal
 * @param verdict                 the analysis verdict
 * @param confidence              0–100
 * @param slopePerHour            growth of the floor, in {@code unit} per hour (NaN when none was fitted)
 * @param unit                    the slope's unit ({@code bytes}, {@code threads}, …)
 * @param timeToExhaustionSeconds seconds until the limit is reached, or null when unknown
 * @param since                   when the growth began, or null
 * @param topSuspectedClass       the class JFR attribution names, or null
 * @param allocationSite          where that class is allocated (a frame), or null
 * @param link                    deep link to the UI page of the finding
 */
public record Finding(String service, String version, String environment, List<String> instances, Signal signal,
                      Verdict verdict, int confidence, double slopePerHour, String unit,
                      Long timeToExhaustionSeconds, Instant since, String topSuspectedClass,
                      String allocationSite, String link) {

    public Finding {
        Objects.requireNonNull(service, "service");
        version = version == null ? "" : version;
        environment = environment == null ? "" : environment;
        instances = List.copyOf(instances);
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("a finding needs at least one instance");
        }
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(verdict, "verdict");
        unit = unit == null ? signal.unit() : unit;
    }

    /** A finding for one instance from its per-signal result; links to the instance page. */
    public static Finding ofInstance(String service, String version, String environment, String instance,
                                     SignalResult result, UiLinks links) {
        return new Finding(service, version, environment, List.of(instance), result.signal(), result.verdict(),
                result.confidence(), result.slopePerHour(), result.unit(), result.timeToExhaustionSeconds(),
                result.sinceMs() == null ? null : Instant.ofEpochMilli(result.sinceMs()), null, null,
                links.instance(instance));
    }

    /**
     * A fleet-level finding for the growing instances of one version; links to the service page. The
     * verdict is {@code growing}: the fleet view reports shared growth, confirmed or not.
     */
    public static Finding ofService(ServiceFinding finding, String environment, List<String> growingInstances,
                                    Long timeToExhaustionSeconds, UiLinks links) {
        return new Finding(finding.service(), finding.version(), environment, growingInstances, finding.signal(),
                Verdict.GROWING, finding.confidence(), finding.medianSlopePerHour(), finding.unit(),
                timeToExhaustionSeconds, finding.sinceMs() == null ? null : Instant.ofEpochMilli(finding.sinceMs()),
                null, null, links.service(finding.service()));
    }

    /** A copy with JFR attribution: the class that grows and where it is allocated. */
    public Finding withAttribution(String topSuspectedClass, String allocationSite) {
        return new Finding(service, version, environment, instances, signal, verdict, confidence, slopePerHour, unit,
                timeToExhaustionSeconds, since, topSuspectedClass, allocationSite, link);
    }

    /** A copy restricted to some of its instances. */
    public Finding withInstances(List<String> subset) {
        return new Finding(service, version, environment, subset, signal, verdict, confidence, slopePerHour, unit,
                timeToExhaustionSeconds, since, topSuspectedClass, allocationSite, link);
    }
}
