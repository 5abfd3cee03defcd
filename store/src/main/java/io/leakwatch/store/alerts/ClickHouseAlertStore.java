package io.leakwatch.store.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakwatch.store.StoreException;
import io.leakwatch.store.engine.ClickHouseEngine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link AlertStore} on the ClickHouse tables of {@link AlertSchema}, through either engine. Every value is a
 * bound parameter or a JSONEachRow field; reads of the replacing tables pick the highest version per id
 * ({@code FINAL}, or {@code argMax} with a tie-breaker where the winner must be the same for every reader).
 * Versions are the process's monotonic microsecond stamps of the wall clock, so across processes "newer"
 * is only as good as their clock agreement.
 */
public final class ClickHouseAlertStore implements AlertStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final AtomicLong LAST_VERSION = new AtomicLong();

    private final ClickHouseEngine engine;

    public ClickHouseAlertStore(ClickHouseEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** A version stamp greater than every earlier one of this process. */
    static long nextVersion() {
        long now = System.currentTimeMillis() * 1000;
        return LAST_VERSION.updateAndGet(prev -> Math.max(prev + 1, now));
    }

    // ---- rules

    @Override
    public List<StoredRule> rules() {
        List<StoredRule> out = new ArrayList<>();
        for (JsonNode n : rows("""
                SELECT id, definition, toUnixTimestamp64Milli(updated_at) AS updated_ms
                FROM alert_rules FINAL WHERE deleted = 0 ORDER BY id LIMIT {limit:UInt32}
                """, Map.of("limit", MAX_ROWS))) {
            out.add(rule(n));
        }
        return out;
    }

    @Override
    public Optional<StoredRule> rule(String id) {
        return rows("""
                SELECT id, definition, toUnixTimestamp64Milli(updated_at) AS updated_ms
                FROM alert_rules FINAL WHERE id = {id:String} AND deleted = 0
                """, Map.of("id", id)).stream().findFirst().map(ClickHouseAlertStore::rule);
    }

    private static StoredRule rule(JsonNode n) {
        return new StoredRule(n.path("id").asText(), n.path("definition").asText(),
                Instant.ofEpochMilli(n.path("updated_ms").asLong()));
    }

    @Override
    public void putRule(String id, String definition, Instant at) {
        insert(AlertSchema.RULES, List.of(ruleRow(id, definition, false, at)));
    }

    private static ObjectNode ruleRow(String id, String definition, boolean deleted, Instant at) {
        return JSON.createObjectNode().put("id", id).put("definition", definition).put("deleted", deleted ? 1 : 0)
                .put("updated_at", time(at)).put("version", nextVersion());
    }

    @Override
    public boolean deleteRule(String id, Instant at) {
        Optional<StoredRule> existing = rule(id);
        if (existing.isEmpty()) {
            return false;
        }
        insert(AlertSchema.RULES, List.of(ruleRow(id, existing.get().definition(), true, at)));
        return true;
    }

    @Override
    public List<String> seedRules(Collection<StoredRule> rules) {
        if (rules.isEmpty()) {
            return List.of();
        }
        Set<String> known = new HashSet<>();
        for (JsonNode n : rows("SELECT DISTINCT id FROM alert_rules WHERE has({ids:Array(String)}, id)",
                Map.of("ids", rules.stream().map(StoredRule::id).toList()))) {
            known.add(n.path("id").asText());
        }
        List<ObjectNode> rows = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (StoredRule r : rules) {
            if (!known.contains(r.id())) {
                rows.add(ruleRow(r.id(), r.definition(), false, r.updatedAt()));
                written.add(r.id());
            }
        }
        insert(AlertSchema.RULES, rows);
        return written;
    }

    // ---- silences

    @Override
    public List<StoredSilence> silences(Instant endsAfter, int limit) {
        List<StoredSilence> out = new ArrayList<>();
        for (JsonNode n : rows("""
                SELECT id, definition, toUnixTimestamp64Milli(starts_at) AS starts_ms,
                       toUnixTimestamp64Milli(ends_at) AS ends_ms, toUnixTimestamp64Milli(updated_at) AS updated_ms
                FROM alert_silences FINAL
                WHERE ends_at > fromUnixTimestamp64Milli({after:Int64}, 'UTC')
                ORDER BY starts_at DESC, id LIMIT {limit:UInt32}
                """, Map.of("after", endsAfter.toEpochMilli(), "limit", clamp(limit)))) {
            out.add(silence(n));
        }
        return out;
    }

    @Override
    public Optional<StoredSilence> silence(String id) {
        return rows("""
                SELECT id, definition, toUnixTimestamp64Milli(starts_at) AS starts_ms,
                       toUnixTimestamp64Milli(ends_at) AS ends_ms, toUnixTimestamp64Milli(updated_at) AS updated_ms
                FROM alert_silences FINAL WHERE id = {id:String}
                """, Map.of("id", id)).stream().findFirst().map(ClickHouseAlertStore::silence);
    }

    private static StoredSilence silence(JsonNode n) {
        return new StoredSilence(n.path("id").asText(), n.path("definition").asText(),
                Instant.ofEpochMilli(n.path("starts_ms").asLong()), Instant.ofEpochMilli(n.path("ends_ms").asLong()),
                Instant.ofEpochMilli(n.path("updated_ms").asLong()));
    }

    @Override
    public void putSilence(StoredSilence s) {
        insert(AlertSchema.SILENCES, List.of(JSON.createObjectNode().put("id", s.id()).put("definition", s.definition())
                .put("starts_at", time(s.startsAt())).put("ends_at", time(s.endsAt()))
                .put("updated_at", time(s.updatedAt())).put("version", nextVersion())));
    }

    // ---- states and history

    @Override
    public List<StoredState> states() {
        List<StoredState> out = new ArrayList<>();
        for (JsonNode n : rows("""
                SELECT key_id, rule_id, service, status, document, toUnixTimestamp64Milli(updated_at) AS updated_ms
                FROM alert_states FINAL WHERE deleted = 0 ORDER BY key_id LIMIT {limit:UInt32}
                """, Map.of("limit", MAX_ROWS))) {
            out.add(new StoredState(n.path("key_id").asText(), n.path("rule_id").asText(), n.path("service").asText(),
                    n.path("status").asText(), n.path("document").asText(),
                    Instant.ofEpochMilli(n.path("updated_ms").asLong())));
        }
        return out;
    }

    @Override
    public void writeStates(Collection<StoredState> upserts, Collection<String> removedKeyIds, Instant at) {
        List<ObjectNode> rows = new ArrayList<>();
        for (StoredState s : upserts) {
            rows.add(stateRow(s.keyId(), s.ruleId(), s.service(), s.status(), s.document(), false, at));
        }
        for (String key : removedKeyIds) {
            rows.add(stateRow(key, "", "", "", "", true, at));
        }
        insert(AlertSchema.STATES, rows);
    }

    private static ObjectNode stateRow(String key, String rule, String service, String status, String document,
                                       boolean deleted, Instant at) {
        return JSON.createObjectNode().put("key_id", key).put("rule_id", rule).put("service", service)
                .put("status", status).put("document", document).put("deleted", deleted ? 1 : 0)
                .put("updated_at", time(at)).put("version", nextVersion());
    }

    @Override
    public void appendHistory(Collection<HistoryEntry> entries) {
        List<ObjectNode> rows = new ArrayList<>();
        for (HistoryEntry e : entries) {
            rows.add(JSON.createObjectNode().put("at", time(e.at())).put("key_id", e.keyId())
                    .put("rule_id", e.ruleId()).put("service", e.service()).put("from_status", e.fromStatus())
                    .put("to_status", e.toStatus()).put("document", e.document()));
        }
        insert(AlertSchema.HISTORY, rows);
    }

    @Override
    public List<HistoryEntry> history(String toStatus, Instant from, Instant to, int limit) {
        List<HistoryEntry> out = new ArrayList<>();
        for (JsonNode n : rows("""
                SELECT toUnixTimestamp64Milli(at) AS at_ms, key_id, rule_id, service, from_status, to_status, document
                FROM alert_history
                WHERE at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
                  AND at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
                  AND ({status:String} = '' OR to_status = {status:String})
                ORDER BY at DESC, key_id LIMIT {limit:UInt32}
                """, Map.of("from", from.toEpochMilli(), "to", to.toEpochMilli(),
                "status", toStatus == null ? "" : toStatus, "limit", clamp(limit)))) {
            out.add(new HistoryEntry(Instant.ofEpochMilli(n.path("at_ms").asLong()), n.path("key_id").asText(),
                    n.path("rule_id").asText(), n.path("service").asText(), n.path("from_status").asText(),
                    n.path("to_status").asText(), n.path("document").asText()));
        }
        return out;
    }

    // ---- notifications

    @Override
    public boolean claimNotification(String keyId, String kind, Instant at, String holder) {
        Map<String, Object> key = Map.of("key", keyId, "kind", kind, "at", at.toEpochMilli());
        String where = """
                FROM alert_notifications
                WHERE key_id = {key:String} AND kind = {kind:String} AND at = fromUnixTimestamp64Milli({at:Int64}, 'UTC')
                """;
        if (!rows("SELECT holder " + where + " LIMIT 1", key).isEmpty()) {
            return false;
        }
        insert(AlertSchema.NOTIFICATIONS, List.of(JSON.createObjectNode().put("key_id", keyId).put("kind", kind)
                .put("at", time(at)).put("holder", holder).put("version", nextVersion())));
        List<JsonNode> first = rows("SELECT argMin(holder, (version, holder)) AS first " + where, key);
        return !first.isEmpty() && holder.equals(first.getFirst().path("first").asText());
    }

    // ---- channels

    @Override
    public void putChannel(ChannelStatus c) {
        insert(AlertSchema.CHANNELS, List.of(JSON.createObjectNode().put("id", c.id()).put("type", c.type())
                .put("target", c.target()).put("last_record", c.lastRecord() == null ? "" : c.lastRecord())
                .put("updated_at", time(c.updatedAt())).put("version", nextVersion())));
    }

    @Override
    public List<ChannelStatus> channels() {
        List<ChannelStatus> out = new ArrayList<>();
        for (JsonNode n : rows("""
                SELECT id, type, target, last_record, toUnixTimestamp64Milli(updated_at) AS updated_ms
                FROM alert_channels FINAL ORDER BY id LIMIT {limit:UInt32}
                """, Map.of("limit", MAX_ROWS))) {
            String last = n.path("last_record").asText();
            out.add(new ChannelStatus(n.path("id").asText(), n.path("type").asText(), n.path("target").asText(),
                    last.isEmpty() ? null : last, Instant.ofEpochMilli(n.path("updated_ms").asLong())));
        }
        return out;
    }

    // ---- lease

    @Override
    public Optional<Lease> lease(String name) {
        return rows("""
                SELECT argMax(holder, (version, holder)) AS h,
                       toUnixTimestamp64Milli(argMax(expires_at, (version, holder))) AS e_ms
                FROM alert_leases WHERE name = {name:String} GROUP BY name
                """, Map.of("name", name)).stream().findFirst()
                .map(n -> new Lease(name, n.path("h").asText(), Instant.ofEpochMilli(n.path("e_ms").asLong())));
    }

    @Override
    public boolean tryAcquireLease(String name, String holder, Instant now, Duration ttl) {
        Optional<Lease> current = lease(name);
        if (current.isPresent() && !current.get().holder().equals(holder) && now.isBefore(current.get().expiresAt())) {
            return false;
        }
        writeLease(name, holder, now.plus(ttl));
        // Read back: another replica may have inserted at the same moment; the higher version wins for everyone.
        return lease(name).map(l -> l.heldBy(holder, now)).orElse(false);
    }

    @Override
    public void releaseLease(String name, String holder, Instant now) {
        if (lease(name).map(l -> l.heldBy(holder, now)).orElse(false)) {
            writeLease(name, holder, now);
        }
    }

    private void writeLease(String name, String holder, Instant expires) {
        insert(AlertSchema.LEASES, List.of(JSON.createObjectNode().put("name", name).put("holder", holder)
                .put("expires_at", time(expires)).put("version", nextVersion())));
    }

    // ---- plumbing

    private void insert(String table, List<ObjectNode> rows) {
        if (rows.isEmpty()) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> columns = new ArrayList<>();
        rows.getFirst().fieldNames().forEachRemaining(columns::add);
        try {
            for (ObjectNode r : rows) {
                out.write(JSON.writeValueAsBytes(r));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new StoreException("cannot encode " + table + " rows: " + e.getMessage(), false, e);
        }
        engine.insert(table, columns, "JSONEachRow", out.toByteArray(), null);
    }

    private List<JsonNode> rows(String sql, Map<String, ?> params) {
        byte[] body = engine.query(sql, params, "JSONEachRow");
        List<JsonNode> out = new ArrayList<>();
        if (body.length == 0) {
            return out;
        }
        try (var it = JSON.readerFor(JsonNode.class).<JsonNode>readValues(new String(body, StandardCharsets.UTF_8))) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        } catch (IOException e) {
            throw new StoreException("cannot parse query result: " + e.getMessage(), false, e);
        }
        return out;
    }

    private static String time(Instant t) {
        return TIME.format(t);
    }

    private static int clamp(int limit) {
        return Math.max(0, Math.min(limit, MAX_ROWS));
    }
}
