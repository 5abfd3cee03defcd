package io.leakwatch.analysis.fleet;

import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import java.util.Map;

/**
 * How many instances of one service version show each verdict for one signal.
 *
 * @param service   service name
 * @param version   version
 * @param signal    signal
 * @param instances instances with a result for this signal
 * @param counts    instances per verdict (every verdict present, possibly 0)
 */
public record VersionSummary(String service, String version, Signal signal, int instances, Map<Verdict, Integer> counts) {

    public VersionSummary {
        counts = Map.copyOf(counts);
    }

    /** Instances whose verdict is leak or growing. */
    public int growing() {
        return counts.getOrDefault(Verdict.LEAK, 0) + counts.getOrDefault(Verdict.GROWING, 0);
    }

    /** Instances that could be judged (all but insufficient data). */
    public int judged() {
        return instances - counts.getOrDefault(Verdict.INSUFFICIENT_DATA, 0);
    }
}
