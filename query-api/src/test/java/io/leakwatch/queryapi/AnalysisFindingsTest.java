package io.leakwatch.queryapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.alerting.Finding;
import io.leakwatch.alerting.UiLinks;
import io.leakwatch.analysis.Signal;
import io.leakwatch.queryapi.alerts.AnalysisFindings;
import io.leakwatch.queryapi.alerts.SuspectAttribution;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnalysisFindingsTest {
    private static final long END = 1_790_000_000_000L;
    private static final long START = END - 3 * 3_600_000L;
    private static final double MB = 1024.0 * 1024.0;
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(END), ZoneOffset.UTC);

    private AnalysisService analysisOf(FakeSignalQueries.Builder... instances) {
        FakeSignalQueries signals = new FakeSignalQueries();
        signals.instances = java.util.Arrays.stream(instances).map(FakeSignalQueries.Builder::build).toList();
        return new AnalysisService(signals, clock, AnalysisService.Settings.DEFAULTS);
    }

    @Test
    void aHeapFindingNamesItsJfrSuspect() {
        AnalysisService analysis = analysisOf(new FakeSignalQueries.Builder("orders", "2.0", "o-1", START, END)
                .heapLeak(100 * MB));
        SuspectAttribution jfr = (instance, now, window) -> Optional.of(new SuspectAttribution.Suspected(
                "com.shop.SessionEntry", "com.shop.SessionCache.put(SessionCache.java:42)"));

        List<Finding> findings = new AnalysisFindings(analysis, new UiLinks("http://ui"), jfr, clock)
                .findings(Duration.ofHours(3));

        Finding heap = findings.stream().filter(f -> f.signal() == Signal.HEAP && f.instances().equals(List.of("o-1")))
                .findFirst().orElseThrow();
        assertThat(heap.topSuspectedClass()).isEqualTo("com.shop.SessionEntry");
        assertThat(heap.allocationSite()).isEqualTo("com.shop.SessionCache.put(SessionCache.java:42)");
    }

    @Test
    void failingAttributionKeepsTheFinding() {
        AnalysisService analysis = analysisOf(new FakeSignalQueries.Builder("orders", "2.0", "o-1", START, END)
                .heapLeak(100 * MB));
        SuspectAttribution broken = (instance, now, window) -> {
            throw new IllegalStateException("store down");
        };

        List<Finding> findings = new AnalysisFindings(analysis, new UiLinks("http://ui"), broken, clock)
                .findings(Duration.ofHours(3));

        assertThat(findings).anyMatch(f -> f.signal() == Signal.HEAP && f.topSuspectedClass() == null);
    }

    @Test
    void findingsCarryTheInstancesEnvironment() {
        AnalysisService analysis = analysisOf(
                new FakeSignalQueries.Builder("orders", "2.0", "o-1", START, END).heapLeak(100 * MB).environment("staging"),
                new FakeSignalQueries.Builder("orders", "2.0", "o-2", START, END).heapLeak(100 * MB).environment("prod"));

        List<Finding> findings = new AnalysisFindings(analysis, new UiLinks("http://ui"), SuspectAttribution.NONE, clock)
                .findings(Duration.ofHours(3));

        assertThat(findings).filteredOn(f -> f.signal() == Signal.HEAP && f.instances().size() == 1)
                .extracting(f -> f.instances().getFirst() + "@" + f.environment())
                .containsExactlyInAnyOrder("o-1@staging", "o-2@prod");
    }
}
