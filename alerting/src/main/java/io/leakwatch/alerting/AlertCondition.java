package io.leakwatch.alerting;

import io.leakwatch.analysis.Verdict;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The condition a rule places on an analysis result; all given parts must hold.
 *
 * @param verdicts              verdicts that qualify; never empty
 * @param minConfidence         minimum confidence, 0–100
 * @param maxTimeToExhaustion   when set, the time to exhaustion must be known and strictly below it; null
 *                              means "any"
 */
public record AlertCondition(Set<Verdict> verdicts, int minConfidence, Duration maxTimeToExhaustion) {

    public AlertCondition {
        if (verdicts == null || verdicts.isEmpty()) {
            throw new IllegalArgumentException("verdicts must not be empty");
        }
        verdicts = Set.copyOf(EnumSet.copyOf(verdicts));
        if (minConfidence < 0 || minConfidence > 100) {
            throw new IllegalArgumentException("minConfidence must be within 0..100");
        }
        if (maxTimeToExhaustion != null && (maxTimeToExhaustion.isNegative() || maxTimeToExhaustion.isZero())) {
            throw new IllegalArgumentException("timeToExhaustionBelow must be positive");
        }
    }

    /** True when the finding satisfies every part of the condition. */
    public boolean test(Finding f) {
        if (!verdicts.contains(f.verdict()) || f.confidence() < minConfidence) {
            return false;
        }
        if (maxTimeToExhaustion != null) {
            return f.timeToExhaustionSeconds() != null
                    && f.timeToExhaustionSeconds() < maxTimeToExhaustion.toSeconds();
        }
        return true;
    }
}
