package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.AlertRule;
import io.leakwatch.alerting.Finding;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.alerts.ClickHouseAlertStore;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.leakwatch.queryapi.alerts.AlertScheduler.TickOutcome.EVALUATED;
import static io.leakwatch.queryapi.alerts.AlertScheduler.TickOutcome.RENEWED;
import static io.leakwatch.queryapi.alerts.AlertScheduler.TickOutcome.STANDBY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two evaluator replicas over one real embedded store, delivering to a real HTTP receiver. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertSchedulerTest {

    @TempDir
    static Path dir;
    Store store;
    WebhookReceiver receiver;
    final List<Finding> findings = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @BeforeAll
    void open() throws Exception {
        store = Store.open(StoreConfig.embedded(dir, ChdbLibrary.locate()));
        receiver = new WebhookReceiver();
    }

    @AfterAll
    void close() {
        receiver.close();
        store.close();
    }

    @BeforeEach
    void reset() {
        AlertTestSupport.truncate(store);
        receiver.got.clear();
        findings.clear();
    }

    @AfterEach
    void closeReplicas() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        toClose.clear();
    }

    private AlertScheduler replica(String id, Clock clock, Duration interval) {
        AlertingConfig config = AlertTestSupport.config(receiver, id).withEvaluation(id, interval, interval);
        AlertingService service = new AlertingService(new ClickHouseAlertStore(store.engine()), config, clock);
        AlertScheduler scheduler = new AlertScheduler(service, window -> List.copyOf(findings), clock);
        toClose.add(service);
        toClose.add(scheduler);
        return scheduler;
    }

    private void ruleFiringAtOnce(AlertingService service) {
        AlertRule rule = RuleBodies.parseRequest(new JsonObject("""
                {"id": "heap-now", "name": "Heap leak", "signal": "heap",
                 "condition": {"verdicts": ["leak"], "minConfidence": 80},
                 "for": "0", "severity": "critical", "repeatInterval": "4h", "resolveDelay": "2m"}
                """), null);
        service.putRule(rule);
    }

    @Test
    void twoReplicasEvaluatingTheSameFindingsSendOneMessage() {
        MutableClock clock = new MutableClock(AlertTestSupport.START);
        AlertScheduler a = replica("replica-a", clock, Duration.ofMinutes(1));
        AlertScheduler b = replica("replica-b", clock, Duration.ofMinutes(1));
        ruleFiringAtOnce(new AlertingService(new ClickHouseAlertStore(store.engine()),
                AlertTestSupport.config(receiver, "setup"), clock));
        findings.add(AlertTestSupport.heapLeak());

        assertThat(List.of(a.tick(), b.tick())).containsExactly(EVALUATED, STANDBY);
        await().until(() -> receiver.got.size() == 1);
        JsonObject body = receiver.got.getFirst().body();
        assertThat(body.encode()).contains("checkout").contains("firing");

        // Later periods: the holder re-evaluates, the stored state says it was notified, nothing new is sent.
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(20));
            b.tick();
            a.tick();
        }
        assertThat(b.tick()).isEqualTo(STANDBY);
        assertThat(a.tick()).isIn(RENEWED, EVALUATED);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> receiver.got.size() == 1);
    }

    @Test
    void aReplicaThatStopsRenewingIsReplacedAfterTheLeaseExpires() {
        MutableClock clock = new MutableClock(AlertTestSupport.START);
        AlertScheduler a = replica("replica-a", clock, Duration.ofMinutes(1));
        AlertScheduler b = replica("replica-b", clock, Duration.ofMinutes(1));
        ruleFiringAtOnce(new AlertingService(new ClickHouseAlertStore(store.engine()),
                AlertTestSupport.config(receiver, "setup"), clock));
        findings.add(AlertTestSupport.heapLeak());
        assertThat(a.tick()).isEqualTo(EVALUATED);
        await().until(() -> receiver.got.size() == 1);

        // a dies (no more ticks). Before the lease expires b stays on standby.
        clock.advance(Duration.ofSeconds(50));
        assertThat(b.tick()).isEqualTo(STANDBY);
        clock.advance(Duration.ofSeconds(11));
        assertThat(b.tick()).isEqualTo(EVALUATED);
        // b continues from the stored state: the alert is not announced again ...
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> receiver.got.size() == 1);
        // ... and b announces the resolution once the condition stayed clear for the resolve delay.
        findings.clear();
        clock.advance(Duration.ofMinutes(1));
        assertThat(b.tick()).isEqualTo(EVALUATED);
        clock.advance(Duration.ofMinutes(2));
        assertThat(b.tick()).isEqualTo(EVALUATED);
        await().until(() -> receiver.got.size() == 2);
        assertThat(receiver.got.get(1).body().encode()).contains("resolved");
    }

    @Test
    void runningSchedulersOnTheirTimersSendOneMessageAndStopCleanly() {
        Clock clock = Clock.systemUTC();
        AlertScheduler a = replica("replica-a", clock, Duration.ofSeconds(1));
        AlertScheduler b = replica("replica-b", clock, Duration.ofSeconds(1));
        ruleFiringAtOnce(new AlertingService(new ClickHouseAlertStore(store.engine()),
                AlertTestSupport.config(receiver, "setup"), clock));
        findings.add(AlertTestSupport.heapLeak());
        a.start();
        b.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.got.size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> receiver.got.size() == 1);
        a.close();
        b.close();
        assertThat(new ClickHouseAlertStore(store.engine()).lease(AlertScheduler.LEASE))
                .get().satisfies(l -> assertThat(l.expiresAt()).isBeforeOrEqualTo(clock.instant()));
    }
}
