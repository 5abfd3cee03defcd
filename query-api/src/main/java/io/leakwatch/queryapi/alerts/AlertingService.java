package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.AlertRule;
import io.leakwatch.alerting.AlertState;
import io.leakwatch.alerting.RuleFileLoader;
import io.leakwatch.alerting.Silence;
import io.leakwatch.alerting.UiLinks;
import io.leakwatch.alerting.channel.AlertChannel;
import io.leakwatch.alerting.channel.AlertChannels;
import io.leakwatch.alerting.channel.AlertMessage;
import io.leakwatch.alerting.channel.ChannelConfig;
import io.leakwatch.alerting.delivery.DeliveryLog;
import io.leakwatch.alerting.delivery.DeliveryRecord;
import io.leakwatch.alerting.delivery.UrlRedactor;
import io.leakwatch.alerting.delivery.WebhookDelivery;
import io.leakwatch.alerting.delivery.WebhookTargetValidator;
import io.leakwatch.store.alerts.AlertStore;
import io.leakwatch.store.alerts.AlertStore.ChannelStatus;
import io.leakwatch.store.alerts.AlertStore.StoredRule;
import io.leakwatch.store.alerts.AlertStore.StoredSilence;
import io.leakwatch.store.alerts.AlertStore.StoredState;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Alerting as the query API uses it: the alerting model over the shared {@link AlertStore}, the configured
 * channels and their delivery. The REST handlers and {@link AlertScheduler} both go through it, so a rule
 * read by the API is exactly what the evaluator sees. Blocking (store calls): use from worker threads.
 *
 * <p>Deliveries run on this service's own virtual threads; each one's record goes to the in-memory
 * {@link DeliveryLog} of this replica and, as the channel's last outcome, to the store so every replica's
 * {@code GET /api/v1/channels} shows it. Channel URLs and secrets never leave this class except inside the
 * request to the channel.
 */
public final class AlertingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertingService.class);

    /** A configured channel as the API shows it. */
    public record ChannelView(String id, String type, String target, boolean isDefault, JsonObject lastDelivery) {
    }

    private final AlertStore store;
    private final AlertingConfig config;
    private final Clock clock;
    private final UiLinks links;
    private final Map<String, AlertChannel> channels = new LinkedHashMap<>();
    private final Map<String, String> targets = new LinkedHashMap<>();
    private final ExecutorService executor;
    private final WebhookDelivery delivery;

    public AlertingService(AlertStore store, AlertingConfig config, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.links = new UiLinks(config.uiBaseUrl());
        for (ChannelConfig c : config.channels()) {
            channels.put(c.id(), AlertChannels.create(c));
            targets.put(c.id(), redact(c));
        }
        this.executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("leakwatch-alert-delivery-", 0).factory());
        this.delivery = new WebhookDelivery(config.delivery(), new WebhookTargetValidator(config.targetPolicy()),
                new DeliveryLog(), clock, executor);
    }

    /**
     * Start-up work: seeds the rule file's (or the shipped) rules that the store has never seen, and
     * publishes the configured channels (id, type, redacted target). Throws on an invalid rule file.
     */
    public void initialise() {
        RuleFileLoader loader = new RuleFileLoader();
        List<AlertRule> seed = config.rulesFile() == null ? loader.loadDefaults() : loader.load(config.rulesFile());
        Instant now = clock.instant();
        List<StoredRule> rows = seed.stream()
                .map(r -> new StoredRule(r.id(), AlertJson.rule(r).encode(), now)).toList();
        List<String> written = store.seedRules(rows);
        if (!written.isEmpty()) {
            LOG.info("alert rules seeded: {}", written);
        }
        Map<String, ChannelStatus> known = new LinkedHashMap<>();
        store.channels().forEach(c -> known.put(c.id(), c));
        for (AlertChannel c : channels.values()) {
            ChannelStatus old = known.get(c.id());
            String target = targets.get(c.id());
            if (old == null || !old.type().equals(c.type().id()) || !old.target().equals(target)) {
                store.putChannel(new ChannelStatus(c.id(), c.type().id(), target, null, now));
            }
        }
    }

    public AlertingConfig config() {
        return config;
    }

    public UiLinks links() {
        return links;
    }

    public AlertStore store() {
        return store;
    }

    // ---- rules

    /** Every stored rule; a stored definition that no longer parses is skipped with a warning. */
    public List<AlertRule> rules() {
        List<AlertRule> out = new ArrayList<>();
        for (StoredRule r : store.rules()) {
            try {
                out.add(RuleBodies.parseStored(r.definition()));
            } catch (RuntimeException e) {
                LOG.warn("stored alert rule {} is not valid any more and is ignored: {}", r.id(), e.getMessage());
            }
        }
        return out;
    }

    public Optional<AlertRule> rule(String id) {
        return store.rule(id).map(r -> RuleBodies.parseStored(r.definition()));
    }

    /** Creates or replaces a rule (already validated). */
    public void putRule(AlertRule rule) {
        store.putRule(rule.id(), AlertJson.rule(rule).encode(), clock.instant());
    }

    public boolean deleteRule(String id) {
        return store.deleteRule(id, clock.instant());
    }

    /** True when every channel the rule names is configured. */
    public Optional<String> unknownChannel(AlertRule rule) {
        return rule.channelIds().stream().filter(id -> !channels.containsKey(id)).findFirst();
    }

    // ---- silences

    /** Silences still in force or starting later; with {@code includeExpired}, also those ended in the last 30 days. */
    public List<Silence> silences(boolean includeExpired) {
        Instant now = clock.instant();
        Instant cutoff = includeExpired ? now.minus(java.time.Duration.ofDays(30)) : now;
        List<Silence> out = new ArrayList<>();
        for (StoredSilence s : store.silences(cutoff, AlertStore.MAX_ROWS)) {
            out.add(AlertJson.silenceFrom(new JsonObject(s.definition())));
        }
        return out;
    }

    public void putSilence(Silence s) {
        store.putSilence(new StoredSilence(s.id(), AlertJson.silence(s).encode(), s.startsAt(), s.endsAt(),
                clock.instant()));
    }

    /** Ends the silence now (a future one never starts); empty when unknown. */
    public Optional<Silence> expireSilence(String id) {
        Optional<StoredSilence> stored = store.silence(id);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Silence s = AlertJson.silenceFrom(new JsonObject(stored.get().definition()));
        Instant now = clock.instant();
        if (s.isExpiredAt(now)) {
            return Optional.of(s);
        }
        Instant start = s.startsAt().isBefore(now) ? s.startsAt() : now.minusMillis(1);
        Silence expired = new Silence(s.id(), s.matchers(), start, now, s.author(), s.comment());
        putSilence(expired);
        return Optional.of(expired);
    }

    // ---- states

    /** The current alert states; a stored document that no longer parses is skipped with a warning. */
    public List<AlertState> states() {
        List<AlertState> out = new ArrayList<>();
        for (StoredState s : store.states()) {
            try {
                out.add(AlertJson.stateFrom(new JsonObject(s.document())));
            } catch (RuntimeException e) {
                LOG.warn("stored alert state {} is not readable and is ignored: {}", s.keyId(), e.toString());
            }
        }
        return out;
    }

    // ---- channels and delivery

    /** Configured channels with their last delivery (this replica's, else the last one any replica stored). */
    public List<ChannelView> channels() {
        Map<String, ChannelStatus> stored = new LinkedHashMap<>();
        store.channels().forEach(c -> stored.put(c.id(), c));
        List<ChannelView> out = new ArrayList<>();
        for (AlertChannel c : channels.values()) {
            JsonObject last = delivery.log().last(c.id()).map(AlertJson::delivery).orElseGet(() -> {
                ChannelStatus s = stored.get(c.id());
                return s == null || s.lastRecord() == null ? null : new JsonObject(s.lastRecord());
            });
            out.add(new ChannelView(c.id(), c.type().id(), targets.get(c.id()),
                    config.defaultChannelIds().contains(c.id()), last));
        }
        return out;
    }

    public boolean hasChannel(String id) {
        return channels.containsKey(id);
    }

    /** Sends a test message to a configured channel; completes with its delivery record. */
    public CompletableFuture<DeliveryRecord> sendTest(String channelId) {
        AlertChannel c = Objects.requireNonNull(channels.get(channelId), "channel");
        return delivery.sendTest(c, config.uiBaseUrl()).thenApplyAsync(this::remember, executor);
    }

    /** Sends a message to the channels given, or to the default channels when none is given. */
    public List<CompletableFuture<DeliveryRecord>> deliver(List<String> channelIds, AlertMessage message) {
        List<String> ids = channelIds.isEmpty() ? config.defaultChannelIds() : channelIds;
        List<CompletableFuture<DeliveryRecord>> out = new ArrayList<>();
        for (String id : ids) {
            AlertChannel c = channels.get(id);
            if (c == null) {
                LOG.warn("alert rule {} names channel {} which is not configured; message dropped", message.ruleId(), id);
                continue;
            }
            out.add(delivery.deliver(c, message).thenApplyAsync(this::remember, executor));
        }
        return out;
    }

    private DeliveryRecord remember(DeliveryRecord r) {
        try {
            store.putChannel(new ChannelStatus(r.channelId(), r.type().id(), targets.get(r.channelId()),
                    AlertJson.delivery(r).encode(), clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("cannot store the last delivery of channel {}: {}", r.channelId(), e.toString());
        }
        return r;
    }

    private static String redact(ChannelConfig c) {
        try {
            return UrlRedactor.redact(URI.create(c.url().reveal()));
        } catch (IllegalArgumentException e) {
            return "(invalid url)";
        }
    }

    @Override
    public void close() {
        delivery.close();
        executor.shutdownNow();
    }
}
