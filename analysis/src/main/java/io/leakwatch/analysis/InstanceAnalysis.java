package io.leakwatch.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the rule of each signal over an instance's series.
 *
 * <p>Promises: stateless and thread-safe; one result per input series, in input order; a series whose
 * signal has no rule configured is skipped. Results never throw for data the rules cannot judge.
 */
public final class InstanceAnalysis {

    private final Map<Signal, LeakRule> rules;

    /** Uses the given rules (one per signal; later ones replace earlier ones of the same signal). */
    public InstanceAnalysis(List<LeakRule> rules) {
        EnumMap<Signal, LeakRule> map = new EnumMap<>(Signal.class);
        for (LeakRule rule : rules) {
            map.put(rule.signal(), rule);
        }
        this.rules = map;
    }

    /**
     * Every signal's rule with default thresholds compressed to a minimum window of {@code minWindow}
     * (see {@link LeakThresholds#compressedTo}): the demo's setting, so a leak shows within minutes.
     */
    public static InstanceAnalysis compressedTo(Duration minWindow) {
        List<LeakRule> all = new ArrayList<>();
        for (Signal s : Signal.values()) {
            all.add(new LeakRule(s, s.defaultThresholds().compressedTo(minWindow)));
        }
        return new InstanceAnalysis(all);
    }

    /** Every signal's rule with default thresholds. */
    public static InstanceAnalysis withDefaults() {
        List<LeakRule> all = new ArrayList<>();
        for (Signal s : Signal.values()) {
            all.add(LeakRule.forSignal(s));
        }
        return new InstanceAnalysis(all);
    }

    /** The rule for a signal, or null. */
    public LeakRule rule(Signal signal) {
        return rules.get(signal);
    }

    /**
     * Judges each series with its signal's rule under one context, then checks the signals against each
     * other: metaspace that grows while the loaded class count is flat is method profiling data and
     * class metadata of a warming JVM (seen in every JVM of the demo fleet), not a class-loader leak.
     */
    public List<SignalResult> analyse(List<Series> series, AnalysisContext context) {
        List<SignalResult> out = new ArrayList<>(series.size());
        for (Series s : series) {
            LeakRule rule = rules.get(s.signal());
            if (rule != null) {
                out.add(rule.evaluate(s, context));
            }
        }
        SignalResult classes = out.stream().filter(r -> r.signal() == Signal.CLASSES).findFirst().orElse(null);
        if (classes != null && classes.verdict() == Verdict.OK) {
            out.replaceAll(r -> r.signal() == Signal.METASPACE && r.verdict().isGrowth() ? withoutClassGrowth(r, classes) : r);
        }
        return out;
    }

    private static SignalResult withoutClassGrowth(SignalResult metaspace, SignalResult classes) {
        Reason reason = Reason.of(Reason.METASPACE_WITHOUT_CLASSES, "slopePerHour", metaspace.slopePerHour(),
                "unit", metaspace.unit(), "sinceMs",
                metaspace.sinceMs() != null ? metaspace.sinceMs() : metaspace.windowStartMs());
        return new SignalResult(metaspace.signal(), metaspace.seriesName(), Verdict.OK, metaspace.slopePerHour(),
                metaspace.unit(), classes.confidence(), null, metaspace.windowStartMs(), metaspace.windowEndMs(),
                metaspace.sinceMs(), reason, metaspace.evidence());
    }
}
