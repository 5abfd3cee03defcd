package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.Finding;
import io.leakwatch.alerting.UiLinks;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import io.leakwatch.queryapi.AnalysisService;
import io.leakwatch.queryapi.Suspect;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Findings from the leak analysis ({@link AnalysisService#leaks}): one per growing signal of an instance
 * (linking to the instance page) and one per growth shared by a service version (linking to the service
 * page, verdict {@code growing} as {@link Finding#ofService} does, over the version's growing instances).
 * Findings carry the instances' {@code deployment.environment.name} ("" when unknown), so alerts group and
 * rules match per environment; a service finding with an environment gathers only that environment's instances.
 * A heap finding of an instance names its top suspect from JFR evidence when there is some; a failure to
 * read that evidence never costs the finding itself.
 */
public final class AnalysisFindings implements FindingSource {

    private final AnalysisService analysis;
    private static final Logger LOG = LoggerFactory.getLogger(AnalysisFindings.class);

    private final UiLinks links;
    private final SuspectAttribution attribution;
    private final Clock clock;

    public AnalysisFindings(AnalysisService analysis, UiLinks links) {
        this(analysis, links, SuspectAttribution.NONE, Clock.systemUTC());
    }

    public AnalysisFindings(AnalysisService analysis, UiLinks links, SuspectAttribution attribution, Clock clock) {
        this.analysis = Objects.requireNonNull(analysis, "analysis");
        this.links = Objects.requireNonNull(links, "links");
        this.attribution = Objects.requireNonNull(attribution, "attribution");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<Finding> findings(Duration window) {
        List<Suspect> suspects = analysis.leaks(null, window).suspects();
        List<Finding> out = new ArrayList<>();
        for (Suspect s : suspects) {
            if (s.instance() != null) {
                Finding finding = new Finding(s.service(), s.version(), s.environment(), List.of(s.instance()), s.signal(),
                        s.verdict(), s.confidence(), s.slopePerHour(), s.unit(), s.timeToExhaustionSeconds(), since(s),
                        null, null, links.instance(s.instance()));
                out.add(s.signal() == Signal.HEAP ? attributed(finding, s.instance(), window) : finding);
            }
        }
        for (Suspect s : suspects) {
            if (s.instance() == null) {
                List<String> growing = suspects.stream()
                        .filter(i -> i.instance() != null && i.service().equals(s.service())
                                && i.version().equals(s.version()) && i.signal() == s.signal()
                                && (s.environment() == null || s.environment().equals(i.environment())))
                        .map(Suspect::instance).distinct().sorted().toList();
                if (!growing.isEmpty()) {
                    out.add(new Finding(s.service(), s.version(), s.environment(), growing, s.signal(), Verdict.GROWING,
                            s.confidence(), s.slopePerHour(), s.unit(), s.timeToExhaustionSeconds(), since(s), null,
                            null, links.service(s.service())));
                }
            }
        }
        return out;
    }

    private Finding attributed(Finding finding, String instance, Duration window) {
        try {
            return attribution.top(instance, clock.instant(), window)
                    .map(top -> finding.withAttribution(top.className(), top.allocationSite()))
                    .orElse(finding);
        } catch (RuntimeException e) {
            LOG.warn("JFR attribution of {} unavailable: {}", instance, e.toString());
            return finding;
        }
    }

    private static Instant since(Suspect s) {
        return s.sinceMs() == null ? null : Instant.ofEpochMilli(s.sinceMs());
    }
}
