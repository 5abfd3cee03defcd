package io.leakwatch.alerting;

import static io.leakwatch.alerting.Fixtures.T0;
import static io.leakwatch.alerting.Fixtures.heapLeak;
import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AlertEvaluatorTest {

    private final AlertEvaluator evaluator = new AlertEvaluator(Fixtures.LINKS);
    private final AlertRule rule = new AlertRule("heap-leak", "Heap leak", true, List.of(), Set.of(Signal.HEAP),
            new AlertCondition(EnumSet.of(Verdict.LEAK), 80, null), Duration.ofMinutes(5), Severity.CRITICAL,
            List.of("ops"), Duration.ofHours(4), Duration.ofMinutes(15));

    /** Runs the evaluator once a minute over a timeline, feeding back states; collects all notifications. */
    private final class Run {
        List<AlertState> states = List.of();
        final List<Notification> sent = new ArrayList<>();
        final List<Silence> silences = new ArrayList<>();

        EvaluationResult at(Instant now, List<Finding> findings) {
            EvaluationResult r = evaluator.evaluate(List.of(rule), findings, states, silences, now);
            states = r.states();
            sent.addAll(r.notifications());
            return r;
        }
    }

    private static Instant min(int m) {
        return T0.plus(Duration.ofMinutes(m));
    }

    @Test
    void twelveInstancesOfOneVersionMakeOneMessage() {
        List<Finding> twelve = IntStream.rangeClosed(1, 12).mapToObj(i -> heapLeak("checkout-" + i, 85 + i % 3)).toList();
        Run run = new Run();
        for (int m = 0; m <= 5; m++) {
            run.at(min(m), twelve);
        }
        assertThat(run.sent).hasSize(1);
        Notification n = run.sent.get(0);
        assertThat(n.kind()).isEqualTo(NotificationKind.FIRING);
        assertThat(n.message().instances()).hasSize(12);
        assertThat(n.message().confidence()).isEqualTo(87);
        assertThat(n.message().link()).isEqualTo("https://leakwatch.example.com/#/service/checkout");
        assertThat(n.channelIds()).containsExactly("ops");
        assertThat(run.states).singleElement().extracting(AlertState::status).isEqualTo(AlertStatus.FIRING);
    }

    @Test
    void pendingUntilForThenFiringThenRepeatThenResolved() {
        Run run = new Run();
        List<Finding> f = List.of(heapLeak("a", 90));
        run.at(min(0), f);
        assertThat(run.states.get(0).status()).isEqualTo(AlertStatus.PENDING);
        run.at(min(4), f);
        assertThat(run.sent).isEmpty();
        run.at(min(5), f);
        assertThat(run.sent).extracting(Notification::kind).containsExactly(NotificationKind.FIRING);
        run.at(min(5 + 239), f);
        assertThat(run.sent).hasSize(1);
        run.at(min(5 + 240), f);
        assertThat(run.sent).extracting(Notification::kind).containsExactly(NotificationKind.FIRING, NotificationKind.REPEAT);
        // Clear: stays firing within the resolve delay, resolves after it.
        run.at(min(250), List.of());
        run.at(min(259), List.of());
        assertThat(run.states.get(0).status()).isEqualTo(AlertStatus.FIRING);
        run.at(min(245 + 15), List.of());
        assertThat(run.sent).extracting(Notification::kind).containsExactly(NotificationKind.FIRING,
                NotificationKind.REPEAT, NotificationKind.RESOLVED);
        assertThat(run.sent.get(2).message().status().id()).isEqualTo("resolved");
        run.at(min(300), List.of());
        assertThat(run.states).isEmpty();
    }

    @Test
    void flappingSignalDoesNotSpam() {
        Run run = new Run();
        List<Finding> f = List.of(heapLeak("a", 90));
        // Before firing: on for 3 minutes, off for 1, repeatedly — never fires.
        for (int m = 0; m < 60; m++) {
            run.at(min(m), m % 4 == 3 ? List.of() : f);
        }
        assertThat(run.sent).isEmpty();
        // Steady for 5 minutes: fires once; then flapping every other minute for 3 hours: no more messages.
        for (int m = 60; m <= 65; m++) {
            run.at(min(m), f);
        }
        for (int m = 66; m < 66 + 180; m++) {
            run.at(min(m), m % 2 == 0 ? List.of() : f);
        }
        assertThat(run.sent).extracting(Notification::kind).containsExactly(NotificationKind.FIRING);
    }

    @Test
    void silenceStartsAndExpiresDuringTheRun() {
        Run run = new Run();
        List<Finding> f = List.of(heapLeak("a", 90));
        run.silences.add(new Silence("s1", List.of(LabelMatcher.parse("service=\"checkout\"", LabelMatcher.SILENCE_LABELS)),
                min(3), min(60), "alice", "deploying a fix"));
        for (int m = 0; m < 60; m++) {
            run.at(min(m), f);
        }
        assertThat(run.sent).isEmpty();
        assertThat(run.states.get(0).status()).isEqualTo(AlertStatus.FIRING);
        assertThat(run.states.get(0).silencedBy()).isEqualTo("s1");
        run.at(min(60), f);
        assertThat(run.sent).extracting(Notification::kind).containsExactly(NotificationKind.FIRING);
        assertThat(run.states.get(0).silencedBy()).isNull();
    }

    @Test
    void silenceOnOneInstanceDoesNotHideTheGroup() {
        Run run = new Run();
        run.silences.add(new Silence("s1", List.of(LabelMatcher.parse("instance=\"a\"", LabelMatcher.SILENCE_LABELS)),
                T0, min(600), "bob", ""));
        for (int m = 0; m <= 5; m++) {
            run.at(min(m), List.of(heapLeak("a", 90), heapLeak("b", 90)));
        }
        assertThat(run.sent).hasSize(1);
    }

    @Test
    void conditionAndMatchersSelect() {
        Run run = new Run();
        for (int m = 0; m <= 5; m++) {
            run.at(min(m), List.of(heapLeak("a", 70)));
        }
        assertThat(run.states).isEmpty();
        AlertRule staging = new AlertRule("r", "r", true,
                List.of(LabelMatcher.parse("environment=~\"stag.*\"", LabelMatcher.RULE_LABELS)), Set.of(),
                rule.condition(), Duration.ZERO, Severity.INFO, List.of(), Duration.ofHours(1), Duration.ZERO);
        EvaluationResult r = evaluator.evaluate(List.of(staging), List.of(heapLeak("a", 95)), List.of(), List.of(), T0);
        assertThat(r.states()).isEmpty();
    }

    @Test
    void defaultRulesLoadAndFireAsDocumented() {
        List<AlertRule> defaults = new RuleFileLoader().loadDefaults();
        assertThat(defaults).extracting(AlertRule::id)
                .containsExactly("heap-leak-critical", "exhaustion-within-6h", "non-heap-leak");
        Finding threads = new Finding("search", "2.0", "", List.of("s-1"), Signal.THREADS, Verdict.LEAK, 70, 3,
                "threads", null, null, null, null, "x");
        EvaluationResult r = evaluator.evaluate(defaults, List.of(threads), List.of(), List.of(), T0);
        List<AlertState> states = r.states();
        r = evaluator.evaluate(defaults, List.of(threads), states, List.of(), T0.plus(Duration.ofMinutes(10)));
        assertThat(r.notifications()).singleElement()
                .satisfies(n -> assertThat(n.key().ruleId()).isEqualTo("non-heap-leak"));
    }
}
