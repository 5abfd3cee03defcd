package io.leakwatch.alerting;

import io.leakwatch.alerting.channel.AlertMessage;
import io.leakwatch.analysis.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns (rules, findings, previous states, silences, now) into the next states and the notifications to send.
 *
 * <p>Promises: a pure function of its inputs (no clock, no I/O, thread-safe), so any replica holding the
 * evaluation lease computes the same result from the same stored state. Per rule, findings are grouped by
 * {@link AlertKey} (rule, service, version, environment, signal): twelve instances of one version make one
 * alert and one message.
 *
 * <pre>
 * state      condition holds                                  condition clear
 * (none)     → PENDING (FIRING at once when for = 0)          —
 * PENDING    → FIRING once held for `for`: notify FIRING      → dropped (never notified: flapping is quiet)
 * FIRING     stays; REPEAT after repeatInterval since the     stays FIRING until clear for resolveDelay,
 *            last notice; FIRING if none was sent yet          then → RESOLVED: notify RESOLVED if a
 *            (a silence ended)                                 firing notice went out
 * RESOLVED   → PENDING (a new episode)                         → dropped
 * </pre>
 * A group matched by an active silence changes state as usual but sends nothing; its firing notice goes out
 * at the first evaluation after the silence ends if it is still firing. States of rules that no longer exist
 * or are disabled are dropped without notice.
 */
public final class AlertEvaluator {

    private final UiLinks links;

    /** {@code links} builds the service-page link of groups with several instances. */
    public AlertEvaluator(UiLinks links) {
        this.links = Objects.requireNonNull(links, "links");
    }

    /** One evaluation at {@code now}. */
    public EvaluationResult evaluate(List<AlertRule> rules, Collection<Finding> findings,
                                     Collection<AlertState> previous, Collection<Silence> silences, Instant now) {
        Map<AlertKey, AlertState> prev = new HashMap<>();
        for (AlertState s : previous) {
            prev.put(s.key(), s);
        }
        List<AlertState> states = new ArrayList<>();
        List<Notification> notifications = new ArrayList<>();
        for (AlertRule rule : rules) {
            if (!rule.enabled()) {
                continue;
            }
            Map<AlertKey, List<Finding>> groups = new TreeMap<>(Comparator.comparing(AlertKey::id));
            for (Finding f : findings) {
                Finding selected = rule.select(f);
                if (selected != null) {
                    AlertKey key = new AlertKey(rule.id(), f.service(), f.version(), f.environment(), f.signal());
                    groups.computeIfAbsent(key, k -> new ArrayList<>()).add(selected);
                }
            }
            Map<AlertKey, AlertState> mine = new TreeMap<>(Comparator.comparing(AlertKey::id));
            prev.forEach((k, s) -> {
                if (k.ruleId().equals(rule.id())) {
                    mine.put(k, s);
                }
            });
            Map<AlertKey, Boolean> all = new LinkedHashMap<>();
            groups.keySet().forEach(k -> all.put(k, true));
            mine.keySet().forEach(k -> all.putIfAbsent(k, false));
            for (AlertKey key : all.keySet().stream().sorted(Comparator.comparing(AlertKey::id)).toList()) {
                List<Finding> matched = groups.get(key);
                Finding merged = matched == null ? null : merge(matched);
                step(rule, key, mine.get(key), merged, silences, now, states, notifications);
            }
        }
        return new EvaluationResult(states, notifications);
    }

    private void step(AlertRule rule, AlertKey key, AlertState s, Finding f, Collection<Silence> silences,
                      Instant now, List<AlertState> states, List<Notification> out) {
        Finding current = f != null ? f : s.finding();
        Optional<Silence> silence = SilenceMatcher.find(silences, key.labels(rule.severity()),
                current.instances(), now);
        String silencedBy = silence.map(Silence::id).orElse(null);
        boolean quiet = silence.isPresent();

        if (f != null) {
            if (s == null || s.status() == AlertStatus.RESOLVED) {
                s = new AlertState(key, AlertStatus.PENDING, rule.severity(), now, null, now, null, null,
                        silencedBy, f);
            } else {
                s = s.with(s.status(), s.firingSince(), now, s.lastNotifiedAt(), null, silencedBy, f,
                        rule.severity());
            }
            if (s.status() == AlertStatus.PENDING && !now.isBefore(s.activeSince().plus(rule.forDuration()))) {
                s = s.with(AlertStatus.FIRING, now, now, null, null, silencedBy, f, rule.severity());
            }
            if (s.status() == AlertStatus.FIRING && !quiet) {
                if (s.lastNotifiedAt() == null) {
                    out.add(notification(NotificationKind.FIRING, rule, key, f, now));
                    s = s.with(s.status(), s.firingSince(), now, now, null, null, f, rule.severity());
                } else if (!now.isBefore(s.lastNotifiedAt().plus(rule.repeatInterval()))) {
                    out.add(notification(NotificationKind.REPEAT, rule, key, f, now));
                    s = s.with(s.status(), s.firingSince(), now, now, null, null, f, rule.severity());
                }
            }
            states.add(s);
            return;
        }
        switch (s.status()) {
            case PENDING, RESOLVED -> {
                // Dropped: a pending group that clears was never announced, and a resolved one was reported.
            }
            case FIRING -> {
                Duration clearFor = Duration.between(s.lastMatchedAt(), now);
                if (clearFor.compareTo(rule.resolveDelay()) >= 0) {
                    if (s.lastNotifiedAt() != null && !quiet) {
                        out.add(notification(NotificationKind.RESOLVED, rule, key, s.finding(), now));
                    }
                    states.add(s.with(AlertStatus.RESOLVED, s.firingSince(), s.lastMatchedAt(), s.lastNotifiedAt(),
                            now, silencedBy, s.finding(), rule.severity()));
                } else {
                    states.add(s.with(AlertStatus.FIRING, s.firingSince(), s.lastMatchedAt(), s.lastNotifiedAt(),
                            null, silencedBy, s.finding(), rule.severity()));
                }
            }
        }
    }

    private static Notification notification(NotificationKind kind, AlertRule rule, AlertKey key, Finding f,
                                             Instant now) {
        AlertMessage.Status status = kind == NotificationKind.RESOLVED
                ? AlertMessage.Status.RESOLVED : AlertMessage.Status.FIRING;
        return new Notification(kind, key, rule.channelIds(), AlertMessage.of(status, rule, f, now));
    }

    /**
     * One finding for a group: the union of instances, the strongest verdict, the highest confidence, the
     * median slope, the shortest time to exhaustion, the earliest start, and the attribution of the most
     * confident finding that has one. Several instances link to the service page.
     */
    private Finding merge(List<Finding> fs) {
        if (fs.size() == 1) {
            return fs.get(0);
        }
        Finding first = fs.get(0);
        TreeSet<String> instances = new TreeSet<>();
        Verdict verdict = Verdict.INSUFFICIENT_DATA;
        int confidence = 0;
        Long tte = null;
        Instant since = null;
        List<Double> slopes = new ArrayList<>();
        Finding attributed = null;
        for (Finding f : fs) {
            instances.addAll(f.instances());
            if (f.verdict().ordinal() < verdict.ordinal()) {
                verdict = f.verdict();
            }
            confidence = Math.max(confidence, f.confidence());
            if (f.timeToExhaustionSeconds() != null && (tte == null || f.timeToExhaustionSeconds() < tte)) {
                tte = f.timeToExhaustionSeconds();
            }
            if (f.since() != null && (since == null || f.since().isBefore(since))) {
                since = f.since();
            }
            if (!Double.isNaN(f.slopePerHour())) {
                slopes.add(f.slopePerHour());
            }
            if (f.topSuspectedClass() != null && (attributed == null || f.confidence() > attributed.confidence())) {
                attributed = f;
            }
        }
        slopes.sort(null);
        double slope = slopes.isEmpty() ? Double.NaN : slopes.size() % 2 == 1 ? slopes.get(slopes.size() / 2)
                : (slopes.get(slopes.size() / 2 - 1) + slopes.get(slopes.size() / 2)) / 2;
        String link = instances.size() == 1 ? first.link() : links.service(first.service());
        return new Finding(first.service(), first.version(), first.environment(), List.copyOf(instances),
                first.signal(), verdict, confidence, slope, first.unit(), tte, since,
                attributed == null ? null : attributed.topSuspectedClass(),
                attributed == null ? null : attributed.allocationSite(), link);
    }
}
