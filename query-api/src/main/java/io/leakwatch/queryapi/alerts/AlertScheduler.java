package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.AlertEvaluator;
import io.leakwatch.alerting.AlertRule;
import io.leakwatch.alerting.AlertState;
import io.leakwatch.alerting.EvaluationResult;
import io.leakwatch.alerting.Finding;
import io.leakwatch.alerting.Notification;
import io.leakwatch.alerting.Silence;
import io.leakwatch.alerting.delivery.DeliveryRecord;
import io.leakwatch.store.alerts.AlertStore;
import io.leakwatch.store.alerts.AlertStore.HistoryEntry;
import io.leakwatch.store.alerts.AlertStore.StoredState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the alert evaluation on the one query-api replica that holds the evaluator lease.
 *
 * <p>Every {@code leaseTtl / 3} (on its own daemon thread, never an event loop) a replica renews the lease
 * if it holds it, or takes it if it has expired. The holder evaluates once per evaluation interval, at the
 * instant the interval grid gives ({@code floor(now / interval) × interval}), so two replicas evaluating the
 * same period compute the same notifications with the same timestamps. An evaluation loads rules, silences
 * and states from the store, asks the {@link FindingSource} for findings, runs {@link AlertEvaluator},
 * writes the new states and the history of transitions, and only then sends: each notification is first
 * claimed in the store as (alert id, kind, instant) and skipped when another replica claimed it.
 *
 * <p>Guarantee, honestly: ClickHouse has no compare-and-set, so the lease is a row with a holder and an
 * expiry, read back after writing. At most one replica evaluates per lease period, except when clocks
 * disagree by more than the renewal slack or two replicas take an expired lease in the same instant; then
 * both may evaluate one period, and the notification claim makes a duplicate message unlikely, not
 * impossible. When the holder dies, another replica takes over at its first tick after the lease expired
 * (at most {@code leaseTtl + leaseTtl/3} later) and continues from the stored states: alerts already
 * notified are not notified again, because states are stored before messages are sent. A message whose
 * sending was interrupted by the death is lost rather than repeated.
 */
public final class AlertScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertScheduler.class);
    /** Name of the lease row. */
    public static final String LEASE = "alert-evaluator";

    /** What one tick did. */
    public enum TickOutcome {
        /** Another replica holds the lease. */
        STANDBY,
        /** Holds the lease; this interval was already evaluated. */
        RENEWED,
        /** Holds the lease and evaluated. */
        EVALUATED
    }

    private final AlertingService alerting;
    private final FindingSource findings;
    private final Clock clock;
    private final AlertEvaluator evaluator;
    private final String holder;
    private final Duration interval;
    private final Duration ttl;
    private final Object lock = new Object();
    private long lastSlot = Long.MIN_VALUE;
    private volatile ScheduledExecutorService timer;
    private volatile List<CompletableFuture<DeliveryRecord>> lastDeliveries = List.of();

    public AlertScheduler(AlertingService alerting, FindingSource findings, Clock clock) {
        this.alerting = Objects.requireNonNull(alerting, "alerting");
        this.findings = Objects.requireNonNull(findings, "findings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.evaluator = new AlertEvaluator(alerting.links());
        this.holder = alerting.config().replicaId();
        this.interval = alerting.config().evaluationInterval();
        this.ttl = alerting.config().leaseTtl();
    }

    /** Starts ticking every leaseTtl/3 on a daemon thread. Idempotent. */
    public synchronized AlertScheduler start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("leakwatch-alert-scheduler").daemon(true).factory());
            long period = Math.max(100, ttl.toMillis() / 3);
            timer.scheduleWithFixedDelay(this::safeTick, 0, period, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            // The next tick retries; a store outage must not kill the timer thread.
            LOG.warn("alert evaluation tick failed: {}", e.toString());
        }
    }

    /** One tick (the timer calls it; tests call it with a simulated clock). */
    public TickOutcome tick() {
        synchronized (lock) {
            Instant now = clock.instant();
            if (!alerting.store().tryAcquireLease(LEASE, holder, now, ttl)) {
                lastSlot = Long.MIN_VALUE;
                return TickOutcome.STANDBY;
            }
            long slot = Math.floorDiv(now.toEpochMilli(), interval.toMillis());
            if (slot == lastSlot) {
                return TickOutcome.RENEWED;
            }
            lastSlot = slot;
            evaluate(Instant.ofEpochMilli(slot * interval.toMillis()));
            return TickOutcome.EVALUATED;
        }
    }

    /** Deliveries started by the last evaluation (for tests and shutdown). */
    public List<CompletableFuture<DeliveryRecord>> lastDeliveries() {
        return lastDeliveries;
    }

    public String holder() {
        return holder;
    }

    private void evaluate(Instant at) {
        List<AlertRule> rules = alerting.rules();
        List<Silence> silences = alerting.silences(false);
        List<AlertState> previous = alerting.states();
        List<Finding> current = findings.findings(alerting.config().analysisWindow());
        EvaluationResult result = evaluator.evaluate(rules, current, previous, silences, at);

        Map<String, AlertState> before = new HashMap<>();
        previous.forEach(s -> before.put(s.key().id(), s));
        List<StoredState> upserts = new ArrayList<>();
        List<HistoryEntry> history = new ArrayList<>();
        for (AlertState s : result.states()) {
            AlertState old = before.remove(s.key().id());
            String document = AlertJson.state(s).encode();
            if (!s.equals(old)) {
                upserts.add(new StoredState(s.key().id(), s.key().ruleId(), s.key().service(), s.status().id(),
                        document, at));
            }
            if (old == null || old.status() != s.status()) {
                history.add(new HistoryEntry(at, s.key().id(), s.key().ruleId(), s.key().service(),
                        old == null ? "" : old.status().id(), s.status().id(), document));
            }
        }
        // States are stored before anything is sent: a replica taking over never re-announces these.
        alerting.store().writeStates(upserts, List.copyOf(before.keySet()), at);
        alerting.store().appendHistory(history);

        List<CompletableFuture<DeliveryRecord>> started = new ArrayList<>();
        for (Notification n : result.notifications()) {
            String kind = n.kind().name().toLowerCase(Locale.ROOT);
            if (!alerting.store().claimNotification(n.key().id(), kind, at, holder)) {
                LOG.info("alert {} {} at {} was already sent by another replica", n.key().id(), kind, at);
                continue;
            }
            started.addAll(alerting.deliver(n.channelIds(), n.message()));
        }
        lastDeliveries = List.copyOf(started);
        LOG.debug("alert evaluation at {}: {} rules, {} findings, {} states, {} notifications", at, rules.size(),
                current.size(), result.states().size(), result.notifications().size());
    }

    /** Stops ticking and lets the lease go so another replica takes over at once. Idempotent. */
    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = timer;
            timer = null;
        }
        if (t == null) {
            return;
        }
        t.shutdown();
        try {
            if (!t.awaitTermination(30, TimeUnit.SECONDS)) {
                t.shutdownNow();
            }
        } catch (InterruptedException e) {
            t.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            alerting.store().releaseLease(LEASE, holder, clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("cannot release the alert evaluator lease: {}", e.toString());
        }
    }
}
