package io.leakwatch.alerting;

import io.leakwatch.analysis.Signal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One alerting rule: which findings it selects (label matchers, signals, a condition), how long the
 * condition must hold before firing ({@code forDuration}), how loud it is, where it goes, how often a
 * still-firing alert is repeated and how long a cleared condition must stay clear before the alert resolves.
 *
 * <p>Immutable and validated at construction; {@link RuleFileLoader} builds rules from YAML with errors
 * that name the rule and the field.
 *
 * @param id             stable identifier, {@code [a-z0-9][a-z0-9_.-]{0,63}}
 * @param name           human-readable name (≤ 200 characters)
 * @param enabled        disabled rules are never evaluated
 * @param matchers       label matchers on service, version, environment, instance (all must hold)
 * @param signals        the signals it applies to; empty means any signal
 * @param condition      the condition on the analysis result
 * @param forDuration    how long the condition must hold before the alert fires (0 fires at once)
 * @param severity       info, warning or critical
 * @param channelIds     channels to notify; empty means the deployment's default channels
 * @param repeatInterval how often a still-firing alert is sent again
 * @param resolveDelay   how long the condition must stay clear before the alert resolves
 */
public record AlertRule(String id, String name, boolean enabled, List<LabelMatcher> matchers, Set<Signal> signals,
                        AlertCondition condition, Duration forDuration, Severity severity, List<String> channelIds,
                        Duration repeatInterval, Duration resolveDelay) {

    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_MATCHERS = 32;
    public static final int MAX_CHANNELS = 16;

    public AlertRule {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id must match " + ID.pattern());
        }
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name must be 1.." + MAX_NAME_LENGTH + " characters");
        }
        matchers = List.copyOf(matchers);
        if (matchers.size() > MAX_MATCHERS) {
            throw new IllegalArgumentException("at most " + MAX_MATCHERS + " matchers");
        }
        for (LabelMatcher m : matchers) {
            if (!LabelMatcher.RULE_LABELS.contains(m.label())) {
                throw new IllegalArgumentException("rules cannot match on label '" + m.label() + "'");
            }
        }
        signals = signals.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(signals));
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(severity, "severity");
        channelIds = List.copyOf(channelIds);
        if (channelIds.size() > MAX_CHANNELS) {
            throw new IllegalArgumentException("at most " + MAX_CHANNELS + " channels");
        }
        requireNonNegative(forDuration, "for");
        requireNonNegative(resolveDelay, "resolveDelay");
        Objects.requireNonNull(repeatInterval, "repeatInterval");
        if (repeatInterval.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("repeatInterval must be at least 1m");
        }
    }

    private static void requireNonNegative(Duration d, String field) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(field + " must be a non-negative duration");
        }
    }

    /** True when the rule applies to this signal. */
    public boolean appliesTo(Signal signal) {
        return signals.isEmpty() || signals.contains(signal);
    }

    /**
     * The part of a finding this rule selects: null when the service/version/environment matchers, the
     * signal or the condition fail, or when no instance passes the instance matchers; otherwise the finding
     * restricted to the instances that pass.
     */
    public Finding select(Finding f) {
        if (!enabled || !appliesTo(f.signal()) || !condition.test(f)) {
            return null;
        }
        List<LabelMatcher> instanceMatchers = new ArrayList<>();
        for (LabelMatcher m : matchers) {
            String actual = switch (m.label()) {
                case "service" -> f.service();
                case "version" -> f.version();
                case "environment" -> f.environment();
                default -> null;
            };
            if (actual == null) {
                instanceMatchers.add(m);
            } else if (!m.matches(actual)) {
                return null;
            }
        }
        if (instanceMatchers.isEmpty()) {
            return f;
        }
        List<String> kept = f.instances().stream()
                .filter(i -> instanceMatchers.stream().allMatch(m -> m.matches(i)))
                .toList();
        return kept.isEmpty() ? null : kept.size() == f.instances().size() ? f : f.withInstances(kept);
    }
}
