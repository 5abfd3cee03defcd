package io.leakwatch.analysis.fleet;

import io.leakwatch.analysis.Reason;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.SignalResult;
import io.leakwatch.analysis.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Aggregates per-instance results by service and version, and reports a growth once at service level
 * when most instances of a version grow while the previous version's did not.
 *
 * <p>Versions of a service are ordered by the earliest {@link InstanceResults#firstSeenMs()} of their
 * instances; the previous version is the one just before. A version with no previous one is still
 * reported (reason {@code fleet_growth}) when most of its instances grow. Stateless and thread-safe.
 */
public final class FleetAnalysis {

    private final FleetThresholds thresholds;

    public FleetAnalysis(FleetThresholds thresholds) {
        this.thresholds = thresholds;
    }

    public static FleetAnalysis withDefaults() {
        return new FleetAnalysis(FleetThresholds.DEFAULTS);
    }

    /** Aggregates the instances' results. */
    public FleetReport aggregate(List<InstanceResults> instances) {
        Map<String, List<InstanceResults>> byService = new TreeMap<>();
        for (InstanceResults r : instances) {
            byService.computeIfAbsent(r.service(), k -> new ArrayList<>()).add(r);
        }
        List<VersionSummary> summaries = new ArrayList<>();
        List<ServiceFinding> findings = new ArrayList<>();
        for (Map.Entry<String, List<InstanceResults>> service : byService.entrySet()) {
            Map<String, Long> firstSeen = new LinkedHashMap<>();
            for (InstanceResults r : service.getValue()) {
                firstSeen.merge(r.version(), r.firstSeenMs(), Math::min);
            }
            List<String> versions = new ArrayList<>(firstSeen.keySet());
            versions.sort(Comparator.comparing((String v) -> firstSeen.get(v)).thenComparing(v -> v));
            for (Signal signal : Signal.values()) {
                VersionSummary previous = null;
                for (String version : versions) {
                    List<SignalResult> results = new ArrayList<>();
                    for (InstanceResults r : service.getValue()) {
                        if (r.version().equals(version)) {
                            for (SignalResult s : r.results()) {
                                if (s.signal() == signal) {
                                    results.add(s);
                                }
                            }
                        }
                    }
                    if (results.isEmpty()) {
                        continue;
                    }
                    VersionSummary summary = summarise(service.getKey(), version, signal, results);
                    summaries.add(summary);
                    ServiceFinding finding = finding(summary, previous, results);
                    if (finding != null) {
                        findings.add(finding);
                    }
                    previous = summary;
                }
            }
        }
        findings.sort(Comparator.comparingInt(ServiceFinding::confidence).reversed()
                .thenComparing(ServiceFinding::service).thenComparing(f -> f.signal().ordinal()));
        return new FleetReport(summaries, findings);
    }

    private static VersionSummary summarise(String service, String version, Signal signal, List<SignalResult> results) {
        EnumMap<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            counts.put(v, 0);
        }
        for (SignalResult r : results) {
            counts.merge(r.verdict(), 1, Integer::sum);
        }
        return new VersionSummary(service, version, signal, results.size(), counts);
    }

    private ServiceFinding finding(VersionSummary current, VersionSummary previous, List<SignalResult> results) {
        int judged = current.judged();
        if (judged < thresholds.minInstances() || current.growing() <= thresholds.minGrowingShare() * judged) {
            return null;
        }
        boolean previousGrew = previous != null && previous.judged() > 0
                && previous.growing() > thresholds.maxPreviousGrowingShare() * previous.judged();
        if (previousGrew) {
            return null;
        }
        List<Long> since = new ArrayList<>();
        List<Double> slopes = new ArrayList<>();
        List<Integer> confidences = new ArrayList<>();
        for (SignalResult r : results) {
            if (r.verdict().isGrowth()) {
                if (r.sinceMs() != null) {
                    since.add(r.sinceMs());
                }
                slopes.add(r.slopePerHour());
                confidences.add(r.confidence());
            }
        }
        since.sort(null);
        slopes.sort(null);
        confidences.sort(null);
        Long sinceMs = since.isEmpty() ? null : since.get(since.size() / 2);
        double slope = slopes.get(slopes.size() / 2);
        int confidence = confidences.get(confidences.size() / 2);
        String unit = results.getFirst().unit();
        Reason reason = previous == null
                ? Reason.of(Reason.FLEET_GROWTH, "growing", current.growing(), "instances", judged, "version",
                        current.version(), "sinceMs", sinceMs)
                : Reason.of(Reason.VERSION_GROWTH, "growing", current.growing(), "instances", judged, "version",
                        current.version(), "sinceMs", sinceMs, "previousGrowing", previous.growing(),
                        "previousInstances", previous.judged(), "previousVersion", previous.version());
        return new ServiceFinding(current.service(), current.version(), previous == null ? null : previous.version(),
                current.signal(), current.growing(), judged, previous == null ? 0 : previous.growing(),
                previous == null ? 0 : previous.judged(), sinceMs, slope, unit, confidence, reason);
    }
}
