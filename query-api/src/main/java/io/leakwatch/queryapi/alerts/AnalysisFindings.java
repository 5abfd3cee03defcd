package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.Finding;
import io.leakwatch.alerting.UiLinks;
import io.leakwatch.analysis.Verdict;
import io.leakwatch.queryapi.AnalysisService;
import io.leakwatch.queryapi.Suspect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Findings from the leak analysis ({@link AnalysisService#leaks}): one per growing signal of an instance
 * (linking to the instance page) and one per growth shared by a service version (linking to the service
 * page, verdict {@code growing} as {@link Finding#ofService} does, over the version's growing instances).
 * The store does not record the deployment environment per instance yet, so findings carry "".
 */
public final class AnalysisFindings implements FindingSource {

    private final AnalysisService analysis;
    private final UiLinks links;

    public AnalysisFindings(AnalysisService analysis, UiLinks links) {
        this.analysis = Objects.requireNonNull(analysis, "analysis");
        this.links = Objects.requireNonNull(links, "links");
    }

    @Override
    public List<Finding> findings(Duration window) {
        List<Suspect> suspects = analysis.leaks(null, window).suspects();
        List<Finding> out = new ArrayList<>();
        for (Suspect s : suspects) {
            if (s.instance() != null) {
                out.add(new Finding(s.service(), s.version(), "", List.of(s.instance()), s.signal(), s.verdict(),
                        s.confidence(), s.slopePerHour(), s.unit(), s.timeToExhaustionSeconds(), since(s), null, null,
                        links.instance(s.instance())));
            }
        }
        for (Suspect s : suspects) {
            if (s.instance() == null) {
                List<String> growing = suspects.stream()
                        .filter(i -> i.instance() != null && i.service().equals(s.service())
                                && i.version().equals(s.version()) && i.signal() == s.signal())
                        .map(Suspect::instance).distinct().sorted().toList();
                if (!growing.isEmpty()) {
                    out.add(new Finding(s.service(), s.version(), "", growing, s.signal(), Verdict.GROWING,
                            s.confidence(), s.slopePerHour(), s.unit(), s.timeToExhaustionSeconds(), since(s), null,
                            null, links.service(s.service())));
                }
            }
        }
        return out;
    }

    private static Instant since(Suspect s) {
        return s.sinceMs() == null ? null : Instant.ofEpochMilli(s.sinceMs());
    }
}
