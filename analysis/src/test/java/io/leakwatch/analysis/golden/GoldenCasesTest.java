package io.leakwatch.analysis.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.analysis.InstanceAnalysis;
import io.leakwatch.analysis.SignalResult;
import io.leakwatch.analysis.Verdict;
import io.leakwatch.analysis.baseline.Baseline;
import io.leakwatch.analysis.baseline.BaselineResult;
import io.leakwatch.analysis.baseline.JmcLiveSetBaseline;
import io.leakwatch.analysis.baseline.PredictLinearBaseline;
import io.leakwatch.analysis.baseline.UsageThresholdBaseline;
import io.leakwatch.analysis.golden.SyntheticCases.Case;
import io.leakwatch.analysis.golden.SyntheticCases.Label;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every rule over the labelled synthetic cases and compares with the checked-in
 * {@code golden/expected.csv}. Regenerate after a deliberate change with
 * {@code -Dleakwatch.golden.update=true} (writes the file under src/test/resources) and review the diff.
 */
class GoldenCasesTest {

    private static final InstanceAnalysis ANALYSIS = InstanceAnalysis.withDefaults();
    private static final Map<String, SignalResult> RESULTS = new LinkedHashMap<>();
    private static final Map<String, Case> CASES = new LinkedHashMap<>();

    @BeforeAll
    static void analyseAll() {
        for (Case c : SyntheticCases.all()) {
            CASES.put(c.name(), c);
            RESULTS.put(c.name(), ANALYSIS.analyse(List.of(c.series()), c.context()).getFirst());
        }
        RESULTS.forEach((name, r) -> System.out.printf(Locale.ROOT, "%-28s %-18s conf=%3d slope/h=%.4g tte_s=%s since=%s%n",
                name, r.verdict().id(), r.confidence(), r.slopePerHour(), r.timeToExhaustionSeconds(),
                r.sinceMs() == null ? "-" : java.time.Instant.ofEpochMilli(r.sinceMs())));
    }

    static String row(String name, SignalResult r) {
        String slope = Double.isNaN(r.slopePerHour()) ? "NaN" : String.format(Locale.ROOT, "%.3g", r.slopePerHour());
        int band = Math.min(3, r.confidence() / 25);
        return name + "," + r.signal().id() + "," + r.verdict().id() + "," + slope + "," + (band * 25) + "-"
                + (band == 3 ? 100 : band * 25 + 24) + "," + r.reason().key();
    }

    @Test
    void matchesCheckedInGoldenResults() throws IOException {
        List<String> actual = new ArrayList<>();
        actual.add("case,signal,verdict,slope_per_hour,confidence_band,reason");
        RESULTS.forEach((name, r) -> actual.add(row(name, r)));
        if (Boolean.getBoolean("leakwatch.golden.update")) {
            Files.write(Path.of("src/test/resources/golden/expected.csv"), actual, StandardCharsets.UTF_8);
        }
        List<String> expected;
        try (InputStream in = getClass().getResourceAsStream("/golden/expected.csv")) {
            assertThat(in).as("golden/expected.csv").isNotNull();
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    @Test
    void noHealthyCaseIsALeak() {
        CASES.values().stream().filter(c -> c.label() == Label.HEALTHY).forEach(c ->
                assertThat(RESULTS.get(c.name()).verdict()).as(c.name()).isEqualTo(Verdict.OK));
    }

    @Test
    void everyLeakIsFoundAndConfirmedWhereEvidenceAllows() {
        CASES.values().stream().filter(c -> c.label() == Label.LEAK).forEach(c -> {
            SignalResult r = RESULTS.get(c.name());
            assertThat(r.verdict()).as(c.name()).isIn(Verdict.LEAK, Verdict.GROWING);
            boolean needsEvidence = ANALYSIS.rule(r.signal()).thresholds().requireReclaimEvidence();
            if (!needsEvidence || !c.context().reclaimingCollectionsMs().isEmpty()) {
                assertThat(r.verdict()).as(c.name()).isEqualTo(Verdict.LEAK);
            } else {
                assertThat(r.verdict()).as(c.name() + " without GC evidence").isEqualTo(Verdict.GROWING);
            }
        });
    }

    @Test
    void slopeAndTimeToExhaustionWithinTenPercentOfTruth() {
        CASES.values().stream().filter(c -> c.truePerHour() != null).forEach(c -> {
            SignalResult r = RESULTS.get(c.name());
            assertThat(r.slopePerHour()).as(c.name() + " slope")
                    .isBetween(0.9 * c.truePerHour(), 1.1 * c.truePerHour());
            if (c.trueTteSeconds() != null) {
                assertThat(r.timeToExhaustionSeconds()).as(c.name() + " tte").isNotNull();
                assertThat((double) r.timeToExhaustionSeconds()).as(c.name() + " tte")
                        .isBetween(0.9 * c.trueTteSeconds(), 1.1 * c.trueTteSeconds());
            }
        });
    }

    @Test
    void leakAfterDeployIsDatedAtTheDeploy() {
        SignalResult r = RESULTS.get("heap_leak_after_deploy");
        assertThat(r.sinceMs()).isEqualTo(CASES.get("heap_leak_after_deploy").context().changesMs().getFirst());
        assertThat(r.reason().key()).isEqualTo("leak_since_change");
    }

    @Test
    void tooFewPointsIsAResult() {
        SignalResult r = RESULTS.get("heap_too_few_points");
        assertThat(r.verdict()).isEqualTo(Verdict.INSUFFICIENT_DATA);
        assertThat(r.message()).contains("points after warm-up");
    }

    @Test
    void eachBaselineMisfiresWhereLeakWatchIsRight() {
        List<Baseline> baselines = List.of(PredictLinearBaseline.DEFAULT, UsageThresholdBaseline.DEFAULT,
                JmcLiveSetBaseline.DEFAULT);
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-28s %-8s %-10s %-15s %-15s %-15s%n",
                "case", "truth", "leakwatch", "predict_linear", "used_over_80pct", "jmc_live_set"));
        Map<String, Integer> misfires = new LinkedHashMap<>();
        for (Case c : CASES.values()) {
            if (c.label() == Label.INSUFFICIENT || c.series().signal() != io.leakwatch.analysis.Signal.HEAP) {
                continue;
            }
            SignalResult lw = RESULTS.get(c.name());
            boolean truth = c.label() == Label.LEAK;
            boolean lwRight = lw.verdict().isGrowth() == truth;
            table.append(String.format(Locale.ROOT, "%-28s %-8s %-10s", c.name(), truth ? "leak" : "healthy",
                    lw.verdict().id()));
            for (Baseline b : baselines) {
                // The alert-style baselines see raw heap used; JMC's method sees heap after GC.
                boolean usesRaw = !(b instanceof JmcLiveSetBaseline);
                var input = usesRaw && c.raw() != null ? c.raw()
                        : (c.series().kind() == io.leakwatch.analysis.Series.Kind.RAW ? null : c.series());
                if (input == null) {
                    table.append(String.format(Locale.ROOT, " %-15s", "n/a"));
                    continue;
                }
                BaselineResult br = b.evaluate(input);
                table.append(String.format(Locale.ROOT, " %-15s", br.fires() ? "fires" : "quiet"));
                if (lwRight && br.fires() != truth) {
                    misfires.merge(b.name(), 1, Integer::sum);
                }
            }
            table.append('\n');
        }
        System.out.println(table);
        for (Baseline b : baselines) {
            assertThat(misfires.getOrDefault(b.name(), 0)).as(b.name() + " misfires where LeakWatch is right")
                    .isPositive();
        }
    }
}
