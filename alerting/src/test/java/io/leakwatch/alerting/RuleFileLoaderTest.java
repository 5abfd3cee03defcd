package io.leakwatch.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leakwatch.analysis.Signal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleFileLoaderTest {

    private final RuleFileLoader loader = new RuleFileLoader();

    @Test
    void parsesAFullRule() {
        List<AlertRule> rules = loader.parse("""
                rules:
                  - id: checkout-heap
                    name: Checkout heap
                    matchers: ['service=~"checkout-.*"', 'environment!="dev"', 'instance!~"canary-.*"']
                    signals: [heap, direct]
                    condition: {verdicts: [leak, growing], minConfidence: 75, timeToExhaustionBelow: 6h}
                    for: 1h30m
                    severity: critical
                    channels: [ops-slack]
                    repeatInterval: 2h
                    resolveDelay: 10m
                """, "test.yaml");
        AlertRule r = rules.get(0);
        assertThat(r.signals()).containsExactlyInAnyOrder(Signal.HEAP, Signal.DIRECT);
        assertThat(r.matchers()).hasSize(3);
        assertThat(r.forDuration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(r.condition().maxTimeToExhaustion()).isEqualTo(Duration.ofHours(6));
        assertThat(r.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(r.matchers().get(0).matches("checkout-eu")).isTrue();
        assertThat(r.matchers().get(0).matches("xcheckout-eu")).isFalse();
    }

    @Test
    void reportsEveryErrorWithRuleAndField() {
        assertThatThrownBy(() -> loader.parse("""
                rules:
                  - id: bad-one
                    name: Bad
                    signal: heapp
                    condition: {verdicts: [leaking], minConfidence: 180}
                    for: ten minutes
                    severity: urgent
                    matchers: ['pod="x"', 'service=~"(unclosed"']
                    colour: red
                  - id: bad-one
                    signal: any
                    condition: {}
                    severity: info
                  - id: bad-one
                    signal: any
                    condition: {}
                    severity: info
                """, "rules.yaml"))
                .isInstanceOfSatisfying(RuleFileException.class, e -> {
                    assertThat(e.errors()).contains(
                            "rule 'bad-one' (#1): field 'signal': unknown signal 'heapp', expected 'any' or one of "
                                    + "heap, metaspace, classes, threads, direct, native, fds, gc",
                            "rule 'bad-one' (#1): field 'severity': unknown severity 'urgent', expected one of info, warning, critical",
                            "rule 'bad-one' (#1): field 'condition.minConfidence': expected an integer within 0..100, got '180'",
                            "rule 'bad-one' (#1): field 'for': invalid duration 'ten minutes', expected e.g. 30s, 10m, 6h, 2d or 1h30m",
                            "rule 'bad-one' (#3): field 'id': duplicate id");
                    assertThat(e.errors()).anySatisfy(s -> assertThat(s).startsWith("rule 'bad-one' (#1): unknown field 'colour'"));
                    assertThat(e.errors()).anySatisfy(s -> assertThat(s).startsWith("rule 'bad-one' (#1): field 'matchers': unknown label 'pod'"));
                    assertThat(e.errors()).anySatisfy(s -> assertThat(s).startsWith("rule 'bad-one' (#1): field 'matchers': invalid regex"));
                    assertThat(e.errors()).anySatisfy(s -> assertThat(s).startsWith("rule 'bad-one' (#1): field 'condition.verdicts': unknown verdict 'leaking'"));
                    assertThat(e.getMessage()).contains("rules.yaml");
                });
    }

    @Test
    void refusesNonYamlAndMissingRules() {
        assertThatThrownBy(() -> loader.parse("rules: [", "x")).isInstanceOf(RuleFileException.class)
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> loader.parse("other: 1", "x")).isInstanceOf(RuleFileException.class)
                .hasMessageContaining("expected a top-level 'rules:' list");
    }

    @Test
    void boundsRegexLength() {
        assertThatThrownBy(() -> LabelMatcher.parse("service=~\"" + "a".repeat(300) + "\"", LabelMatcher.RULE_LABELS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
