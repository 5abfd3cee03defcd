package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.AlertRule;
import io.leakwatch.alerting.AlertState;
import io.leakwatch.alerting.Silence;
import io.leakwatch.queryapi.ApiResponses;
import io.leakwatch.queryapi.BadParameterException;
import io.leakwatch.store.alerts.AlertStore.HistoryEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * The alerting endpoints: rules, silences, alerts (current states and history) and channels. Parameters
 * and bodies are validated on the event loop (400 naming the field); store work and deliveries run on
 * workers. Unknown ids answer 404; without an {@link AlertingService} every endpoint answers 503. Channel
 * URLs and secrets never appear in a reply: a channel shows its type, its target as scheme + host, and its
 * last delivery record.
 */
public final class AlertHandlers {

    /** Largest accepted request body. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Pattern SILENCE_ID = Pattern.compile("[0-9a-f-]{36}");
    private static final Pattern CHANNEL_ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Set<String> STATES = Set.of("pending", "firing", "resolved");
    private static final Duration DEFAULT_HISTORY = Duration.ofDays(1);
    private static final Duration MAX_HISTORY = Duration.ofDays(90);
    private static final int MAX_HISTORY_ROWS = 1000;

    private final Vertx vertx;
    private final AlertingService alerting;
    private final Clock clock;

    /** {@code alerting} may be null: every endpoint then answers 503. */
    public AlertHandlers(Vertx vertx, AlertingService alerting, Clock clock) {
        this.vertx = vertx;
        this.alerting = alerting;
        this.clock = clock;
    }

    // ---- rules

    public void listRules(RoutingContext ctx) {
        blocking(ctx, alerting::rules, rules -> ok(ctx, 200, new JsonObject()
                .put("items", new JsonArray(rules.stream().map(AlertJson::rule).toList()))));
    }

    public void getRule(RoutingContext ctx) {
        String id = ruleId(ctx);
        blocking(ctx, () -> alerting.rule(id).orElse(null),
                rule -> {
                    if (rule == null) {
                        notFound(ctx, "rule", id);
                    } else {
                        ok(ctx, 200, AlertJson.rule(rule));
                    }
                });
    }

    public void createRule(RoutingContext ctx) {
        if (unavailable(ctx)) {
            return;
        }
        AlertRule rule = checkedChannels(RuleBodies.parseRequest(body(ctx), null));
        blocking(ctx, () -> {
            if (alerting.rule(rule.id()).isPresent()) {
                return false;
            }
            alerting.putRule(rule);
            return true;
        }, created -> {
            if (created) {
                ok(ctx, 201, AlertJson.rule(rule));
            } else {
                ApiResponses.error(ctx, 409, "conflict", "rule '" + rule.id() + "' exists; use PUT to replace it");
            }
        });
    }

    public void putRule(RoutingContext ctx) {
        if (unavailable(ctx)) {
            return;
        }
        AlertRule rule = checkedChannels(RuleBodies.parseRequest(body(ctx), ruleId(ctx)));
        blocking(ctx, () -> {
            alerting.putRule(rule);
            return rule;
        }, r -> ok(ctx, 200, AlertJson.rule(r)));
    }

    public void deleteRule(RoutingContext ctx) {
        String id = ruleId(ctx);
        blocking(ctx, () -> alerting.deleteRule(id), deleted -> {
            if (deleted) {
                ctx.response().setStatusCode(204).end();
            } else {
                notFound(ctx, "rule", id);
            }
        });
    }

    // ---- silences

    public void listSilences(RoutingContext ctx) {
        String expired = ctx.queryParams().get("expired");
        if (expired != null && !expired.equals("true") && !expired.equals("false")) {
            throw new BadParameterException("expired", "expected true or false");
        }
        blocking(ctx, () -> alerting.silences("true".equals(expired)), list -> {
            Instant now = clock.instant();
            ok(ctx, 200, new JsonObject().put("items", new JsonArray(list.stream().map(s -> silenceJson(s, now)).toList())));
        });
    }

    public void createSilence(RoutingContext ctx) {
        if (unavailable(ctx)) {
            return;
        }
        Instant now = clock.instant();
        Silence silence = SilenceBodies.parseRequest(body(ctx), now);
        blocking(ctx, () -> {
            alerting.putSilence(silence);
            return silence;
        }, s -> ok(ctx, 201, silenceJson(s, now)));
    }

    public void expireSilence(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (id == null || !SILENCE_ID.matcher(id).matches()) {
            throw new BadParameterException("id", "silence ids are UUIDs");
        }
        blocking(ctx, () -> alerting.expireSilence(id).orElse(null), s -> {
            if (s == null) {
                notFound(ctx, "silence", id);
            } else {
                ok(ctx, 200, silenceJson(s, clock.instant()));
            }
        });
    }

    private static JsonObject silenceJson(Silence s, Instant now) {
        return AlertJson.silence(s).put("active", s.isActiveAt(now)).put("expired", s.isExpiredAt(now));
    }

    // ---- alerts

    /** {@code GET /api/v1/alerts?state=&from=&to=&limit=}: current states and the transitions in [from, to). */
    public void alerts(RoutingContext ctx) {
        String state = ctx.queryParams().get("state");
        if (state != null && !STATES.contains(state)) {
            throw new BadParameterException("state", "expected pending, firing or resolved");
        }
        Instant now = clock.instant();
        // "until now" includes an evaluation stamped exactly now
        Instant to = time(ctx, "to", now.plusMillis(1));
        Instant from = time(ctx, "from", to.minus(DEFAULT_HISTORY));
        if (!from.isBefore(to)) {
            throw new BadParameterException("from", "from must be before to");
        }
        if (Duration.between(from, to).compareTo(MAX_HISTORY) > 0) {
            throw new BadParameterException("from", "the range may span at most 90 days");
        }
        int limit = limit(ctx);
        blocking(ctx, () -> {
            List<AlertState> current = alerting.states().stream()
                    .filter(s -> state == null || s.status().id().equals(state)).toList();
            List<HistoryEntry> history = alerting.store().history(state, from, to, limit);
            return new Object[] {current, history};
        }, pair -> {
            @SuppressWarnings("unchecked")
            List<AlertState> current = (List<AlertState>) pair[0];
            @SuppressWarnings("unchecked")
            List<HistoryEntry> history = (List<HistoryEntry>) pair[1];
            JsonArray items = new JsonArray();
            for (HistoryEntry h : history) {
                items.add(new JsonObject().put("at", h.at().toString()).put("id", h.keyId()).put("rule", h.ruleId())
                        .put("service", h.service()).put("from", h.fromStatus().isEmpty() ? null : h.fromStatus())
                        .put("to", h.toStatus()).put("alert", new JsonObject(h.document())));
            }
            ok(ctx, 200, new JsonObject()
                    .put("from", from.toString())
                    .put("to", to.toString())
                    .put("current", new JsonArray(current.stream().map(AlertJson::state).toList()))
                    .put("history", items));
        });
    }

    // ---- channels

    public void channels(RoutingContext ctx) {
        blocking(ctx, alerting::channels, list -> {
            JsonArray items = new JsonArray();
            for (AlertingService.ChannelView c : list) {
                items.add(new JsonObject().put("id", c.id()).put("type", c.type()).put("target", c.target())
                        .put("default", c.isDefault()).put("lastDelivery", c.lastDelivery()));
            }
            ok(ctx, 200, new JsonObject().put("items", items));
        });
    }

    public void testChannel(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (id == null || !CHANNEL_ID.matcher(id).matches()) {
            throw new BadParameterException("id", "channel ids match " + CHANNEL_ID.pattern());
        }
        if (unavailable(ctx)) {
            return;
        }
        if (!alerting.hasChannel(id)) {
            notFound(ctx, "channel", id);
            return;
        }
        Future.fromCompletionStage(alerting.sendTest(id), vertx.getOrCreateContext())
                .onSuccess(r -> ok(ctx, 200, AlertJson.delivery(r)))
                .onFailure(ctx::fail);
    }

    // ---- plumbing

    private AlertRule checkedChannels(AlertRule rule) {
        alerting.unknownChannel(rule).ifPresent(c -> {
            throw new BadParameterException("channels", "channel '" + c + "' is not configured");
        });
        return rule;
    }

    private static String ruleId(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (id == null || !AlertRule.ID.matcher(id).matches()) {
            throw new BadParameterException("id", "rule ids match " + AlertRule.ID.pattern());
        }
        return id;
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            JsonObject o = ctx.body() == null ? null : ctx.body().asJsonObject();
            if (o == null) {
                throw new BadParameterException("body", "expected a JSON object");
            }
            return o;
        } catch (DecodeException | ClassCastException e) {
            throw new BadParameterException("body", "expected a JSON object");
        }
    }

    private static Instant time(RoutingContext ctx, String name, Instant dflt) {
        String v = ctx.queryParams().get(name);
        if (v == null) {
            return dflt;
        }
        if (v.length() > 40) {
            throw new BadParameterException(name, "expected an ISO-8601 instant or epoch milliseconds");
        }
        try {
            return v.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(v)) : Instant.parse(v);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new BadParameterException(name, "expected an ISO-8601 instant or epoch milliseconds");
        }
    }

    private static int limit(RoutingContext ctx) {
        String v = ctx.queryParams().get("limit");
        if (v == null) {
            return 200;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= MAX_HISTORY_ROWS) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the 400
        }
        throw new BadParameterException("limit", "expected an integer within 1.." + MAX_HISTORY_ROWS);
    }

    private <T> void blocking(RoutingContext ctx, Callable<T> work, java.util.function.Consumer<T> reply) {
        if (unavailable(ctx)) {
            return;
        }
        vertx.executeBlocking(work, false).onSuccess(reply::accept).onFailure(ctx::fail);
    }

    private boolean unavailable(RoutingContext ctx) {
        if (alerting != null) {
            return false;
        }
        ApiResponses.error(ctx, 503, "unavailable", "alerting is not configured on this server");
        return true;
    }

    private static void notFound(RoutingContext ctx, String what, String id) {
        ApiResponses.error(ctx, 404, "not_found", "no " + what + " with this id");
    }

    private static void ok(RoutingContext ctx, int status, JsonObject body) {
        ApiResponses.json(ctx, status, body);
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
