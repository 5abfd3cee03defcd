package io.leakwatch.analysis.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.analysis.Evidence;
import io.leakwatch.analysis.Reason;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.SignalResult;
import io.leakwatch.analysis.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetAnalysisTest {

    private static SignalResult result(Verdict v, Long since) {
        return new SignalResult(Signal.HEAP, "heap", v, v.isGrowth() ? 1e6 : 0, "bytes", v.isGrowth() ? 80 : 90, null,
                0, 1, since, Reason.of(v.id()), Evidence.NONE);
    }

    private static InstanceResults instance(String version, String id, long firstSeen, Verdict v, Long since) {
        return new InstanceResults("shop", version, id, firstSeen, List.of(result(v, since)));
    }

    @Test
    void reportsAVersionWhoseInstancesGrowWhenThePreviousDidNot() {
        List<InstanceResults> in = new ArrayList<>();
        in.add(instance("1.0", "a", 0, Verdict.OK, null));
        in.add(instance("1.0", "b", 0, Verdict.OK, null));
        in.add(instance("1.0", "c", 5, Verdict.INSUFFICIENT_DATA, null));
        in.add(instance("1.1", "d", 100, Verdict.LEAK, 1_000L));
        in.add(instance("1.1", "e", 110, Verdict.GROWING, 2_000L));
        in.add(instance("1.1", "f", 120, Verdict.LEAK, 3_000L));
        in.add(instance("1.1", "g", 130, Verdict.OK, null));
        FleetReport report = FleetAnalysis.withDefaults().aggregate(in);

        assertThat(report.versions()).extracting(VersionSummary::version).containsExactly("1.0", "1.1");
        VersionSummary v11 = report.versions().get(1);
        assertThat(v11.growing()).isEqualTo(3);
        assertThat(v11.counts().get(Verdict.LEAK)).isEqualTo(2);
        assertThat(report.versions().getFirst().judged()).isEqualTo(2);

        assertThat(report.findings()).hasSize(1);
        ServiceFinding f = report.findings().getFirst();
        assertThat(f.version()).isEqualTo("1.1");
        assertThat(f.previousVersion()).isEqualTo("1.0");
        assertThat(f.growingInstances()).isEqualTo(3);
        assertThat(f.instances()).isEqualTo(4);
        assertThat(f.sinceMs()).isEqualTo(2_000L);
        assertThat(f.reason().key()).isEqualTo(Reason.VERSION_GROWTH);
        assertThat(f.message()).contains("version 1.1").contains("previous version 1.0");
    }

    @Test
    void noFindingWhenThePreviousVersionGrewToo() {
        List<InstanceResults> in = List.of(
                instance("1.0", "a", 0, Verdict.LEAK, 10L), instance("1.0", "b", 0, Verdict.LEAK, 10L),
                instance("1.1", "c", 100, Verdict.LEAK, 200L), instance("1.1", "d", 100, Verdict.LEAK, 200L));
        FleetReport report = FleetAnalysis.withDefaults().aggregate(in);
        assertThat(report.findings()).extracting(ServiceFinding::version).containsExactly("1.0");
    }

    @Test
    void noFindingWhenOnlyAMinorityGrows() {
        List<InstanceResults> in = List.of(
                instance("2.0", "a", 0, Verdict.LEAK, 10L), instance("2.0", "b", 0, Verdict.OK, null),
                instance("2.0", "c", 0, Verdict.OK, null));
        assertThat(FleetAnalysis.withDefaults().aggregate(in).findings()).isEmpty();
    }
}
