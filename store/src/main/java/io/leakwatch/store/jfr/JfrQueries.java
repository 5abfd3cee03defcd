package io.leakwatch.store.jfr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.store.StoreException;
import io.leakwatch.store.engine.ClickHouseEngine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JFR evidence back: {@link #attribution} answers "what is in this instance's old generation now that
 * was not there before, where was it allocated, and what holds it". Parameterised SQL through either engine;
 * the heavy counting is done by ClickHouse, only the top classes' chains are merged in Java.
 */
public final class JfrQueries {
    /** Classes returned by {@link #attribution(String, long, long, long, long)}. */
    public static final int DEFAULT_MAX_CLASSES = 20;
    static final int STACKS_PER_CLASS = 3;
    static final int CHAINS_PER_CLASS = 500;
    static final int MAX_TREE_DEPTH = 48;
    static final int MAX_CHILDREN = 16;
    private static final int MAX_INSTANCE_CHARS = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String IN_RANGE = within("ts", "from", "to");
    private static final String IN_BASELINE = within("ts", "bfrom", "bto");

    private static final String SNAPSHOT_COUNTS = """
            SELECT uniqExactIf(snapshot_id, %s) AS cur, uniqExactIf(snapshot_id, %s) AS base
            FROM jfr_snapshots
            WHERE instance = {instance:String}
            """.formatted(within("end_ts", "from", "to"), within("end_ts", "bfrom", "bto"));

    private static final String CLASS_COUNTS = """
            SELECT class, countIf(%1$s) AS cur, countIf(%2$s) AS base
            FROM jfr_old_objects
            WHERE instance = {instance:String} AND ((%1$s) OR (%2$s))
            GROUP BY class
            """.formatted(IN_RANGE, IN_BASELINE);

    private static final String OLD_OBJECT_STACKS = """
            SELECT class, toString(stack_hash) AS h, count() AS n, toUInt64(0) AS w
            FROM jfr_old_objects
            WHERE instance = {instance:String} AND %s AND class IN {classes:Array(String)} AND stack_hash != 0
            GROUP BY class, stack_hash
            ORDER BY class, n DESC, h
            LIMIT %d BY class
            """.formatted(IN_RANGE, STACKS_PER_CLASS);

    private static final String ALLOCATION_STACKS = """
            SELECT class, toString(stack_hash) AS h, count() AS n, sum(weight) AS w
            FROM jfr_alloc_samples
            WHERE instance = {instance:String} AND %s AND class IN {classes:Array(String)} AND stack_hash != 0
            GROUP BY class, stack_hash
            ORDER BY class, w DESC, h
            LIMIT %d BY class
            """.formatted(IN_RANGE, STACKS_PER_CLASS);

    private static final String FRAMES = """
            SELECT toString(stack_hash) AS h, argMax(frames, last_seen) AS frames
            FROM jfr_stacks
            WHERE stack_hash IN (SELECT arrayJoin(arrayMap(x -> toInt64(x), {hashes:Array(String)})))
            GROUP BY stack_hash
            """;

    private static final String CHAINS = """
            SELECT class, root_system, root_type, ref_chain, count() AS n
            FROM jfr_old_objects
            WHERE instance = {instance:String} AND %s AND class IN {classes:Array(String)}
            GROUP BY class, root_system, root_type, ref_chain
            ORDER BY class, n DESC
            LIMIT %d BY class
            """.formatted(IN_RANGE, CHAINS_PER_CLASS);

    private final ClickHouseEngine engine;

    /** {@code column} in {@code [from, to)}, both bound as epoch-millisecond parameters. */
    private static String within(String column, String from, String to) {
        return column + " >= fromUnixTimestamp64Milli({" + from + ":Int64}, 'UTC') AND " + column
                + " < fromUnixTimestamp64Milli({" + to + ":Int64}, 'UTC')";
    }

    public JfrQueries(ClickHouseEngine engine) {
        this.engine = engine;
    }

    /** {@link #attribution(String, long, long, long, long, int)} with {@value #DEFAULT_MAX_CLASSES} classes. */
    public Attribution attribution(String instance, long fromMillis, long toMillis, long baselineFromMillis,
                                   long baselineToMillis) {
        return attribution(instance, fromMillis, toMillis, baselineFromMillis, baselineToMillis, DEFAULT_MAX_CLASSES);
    }

    /**
     * Classes of {@code instance} whose old-object samples per snapshot (or share of samples) grew from the
     * baseline range to the range, largest growth first. With no snapshot in the baseline every class of the
     * range counts as grown from nothing. Ranges are half-open {@code [from, to)} in epoch ms and may overlap.
     *
     * @throws IllegalArgumentException for a blank or oversized instance, an empty range or {@code maxClasses < 1}
     */
    public Attribution attribution(String instance, long fromMillis, long toMillis, long baselineFromMillis,
                                   long baselineToMillis, int maxClasses) {
        if (instance == null || instance.isBlank() || instance.length() > MAX_INSTANCE_CHARS) {
            throw new IllegalArgumentException("instance must be 1.." + MAX_INSTANCE_CHARS + " characters");
        }
        if (toMillis <= fromMillis || baselineToMillis <= baselineFromMillis) {
            throw new IllegalArgumentException("each range must end after it starts");
        }
        if (maxClasses < 1 || maxClasses > 1000) {
            throw new IllegalArgumentException("maxClasses must be 1..1000, was " + maxClasses);
        }
        Map<String, Object> params = new HashMap<>();
        params.put("instance", instance);
        params.put("from", fromMillis);
        params.put("to", toMillis);
        params.put("bfrom", baselineFromMillis);
        params.put("bto", baselineToMillis);

        JsonNode counts = rows(SNAPSHOT_COUNTS, params).stream().findFirst().orElse(null);
        long snapshots = counts == null ? 0 : counts.path("cur").asLong();
        long baselineSnapshots = counts == null ? 0 : counts.path("base").asLong();

        List<JsonNode> classRows = rows(CLASS_COUNTS, params);
        long total = 0;
        long baselineTotal = 0;
        for (JsonNode r : classRows) {
            total += r.path("cur").asLong();
            baselineTotal += r.path("base").asLong();
        }
        List<Grown> grown = new ArrayList<>();
        for (JsonNode r : classRows) {
            long cur = r.path("cur").asLong();
            long base = r.path("base").asLong();
            if (cur == 0 || snapshots == 0) {
                continue;
            }
            double perSnapshot = (double) cur / snapshots;
            double basePerSnapshot = baselineSnapshots == 0 ? 0 : (double) base / baselineSnapshots;
            double share = total == 0 ? 0 : (double) cur / total;
            double baseShare = baselineTotal == 0 ? 0 : (double) base / baselineTotal;
            if (perSnapshot > basePerSnapshot || share > baseShare) {
                grown.add(new Grown(r.path("class").asText(), cur, base, perSnapshot, basePerSnapshot, share, baseShare));
            }
        }
        grown.sort(Comparator.comparingDouble(Grown::growth).reversed().thenComparing(Grown::name));
        if (grown.size() > maxClasses) {
            grown = grown.subList(0, maxClasses);
        }
        if (grown.isEmpty()) {
            return new Attribution(instance, fromMillis, toMillis, baselineFromMillis, baselineToMillis, snapshots,
                    baselineSnapshots, List.of());
        }
        params.put("classes", grown.stream().map(Grown::name).toList());
        Map<String, List<JsonNode>> oldStacks = byClass(rows(OLD_OBJECT_STACKS, params));
        Map<String, List<JsonNode>> allocStacks = byClass(rows(ALLOCATION_STACKS, params));
        Map<String, List<JsonNode>> chains = byClass(rows(CHAINS, params));
        Map<String, List<String>> frames = frames(oldStacks, allocStacks);

        List<Attribution.ClassGrowth> out = new ArrayList<>();
        for (Grown g : grown) {
            out.add(new Attribution.ClassGrowth(g.name, g.samples, g.baselineSamples, g.perSnapshot,
                    g.baselinePerSnapshot, g.share, g.baselineShare,
                    stacks(oldStacks.get(g.name), frames), stacks(allocStacks.get(g.name), frames),
                    tree(g.name, g.samples, chains.getOrDefault(g.name, List.of()))));
        }
        return new Attribution(instance, fromMillis, toMillis, baselineFromMillis, baselineToMillis, snapshots,
                baselineSnapshots, out);
    }

    private Map<String, List<String>> frames(Map<String, List<JsonNode>> a, Map<String, List<JsonNode>> b) {
        List<String> hashes = new ArrayList<>();
        for (Map<String, List<JsonNode>> m : List.of(a, b)) {
            m.values().forEach(rows -> rows.forEach(r -> hashes.add(r.path("h").asText())));
        }
        Map<String, List<String>> out = new HashMap<>();
        if (hashes.isEmpty()) {
            return out;
        }
        for (JsonNode r : rows(FRAMES, Map.of("hashes", hashes.stream().distinct().toList()))) {
            List<String> f = new ArrayList<>();
            r.path("frames").forEach(x -> f.add(x.asText()));
            out.put(r.path("h").asText(), f);
        }
        return out;
    }

    private static List<Attribution.StackCount> stacks(List<JsonNode> rows, Map<String, List<String>> frames) {
        if (rows == null) {
            return List.of();
        }
        List<Attribution.StackCount> out = new ArrayList<>();
        for (JsonNode r : rows) {
            String h = r.path("h").asText();
            out.add(new Attribution.StackCount(Long.parseLong(h), r.path("n").asLong(), r.path("w").asLong(),
                    frames.getOrDefault(h, List.of())));
        }
        return out;
    }

    /** Merges chains (root first) into a tree: class → GC root → chain elements, each node with its count. */
    static Attribution.RefNode tree(String className, long samples, List<JsonNode> chains) {
        MutableNode top = new MutableNode(className);
        for (JsonNode r : chains) {
            long n = r.path("n").asLong();
            String system = r.path("root_system").asText("");
            String type = r.path("root_type").asText("");
            String root = system.isEmpty() && type.isEmpty() ? "(no path to a GC root)"
                    : "GC root: " + system + (type.isEmpty() ? "" : " / " + type);
            MutableNode node = top.child(root);
            node.count += n;
            int depth = 0;
            for (JsonNode element : r.path("ref_chain")) {
                if (++depth > MAX_TREE_DEPTH) {
                    break;
                }
                node = node.child(element.asText());
                node.count += n;
            }
        }
        top.count = samples;
        return top.freeze();
    }

    private static Map<String, List<JsonNode>> byClass(List<JsonNode> rows) {
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        for (JsonNode r : rows) {
            out.computeIfAbsent(r.path("class").asText(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    private List<JsonNode> rows(String sql, Map<String, ?> params) {
        byte[] body = engine.query(sql, params, "JSONEachRow");
        List<JsonNode> out = new ArrayList<>();
        try (var it = JSON.readerFor(JsonNode.class).<JsonNode>readValues(body)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        } catch (IOException e) {
            throw new StoreException("cannot parse query result: " + e.getMessage(), false, e);
        }
        return out;
    }

    private record Grown(String name, long samples, long baselineSamples, double perSnapshot,
                         double baselinePerSnapshot, double share, double baselineShare) {
        double growth() {
            return perSnapshot - baselinePerSnapshot;
        }
    }

    private static final class MutableNode {
        final String label;
        final Map<String, MutableNode> children = new LinkedHashMap<>();
        long count;

        MutableNode(String label) {
            this.label = label;
        }

        MutableNode child(String childLabel) {
            return children.computeIfAbsent(childLabel, MutableNode::new);
        }

        Attribution.RefNode freeze() {
            List<Attribution.RefNode> kids = children.values().stream()
                    .sorted(Comparator.comparingLong((MutableNode m) -> m.count).reversed().thenComparing(m -> m.label))
                    .limit(MAX_CHILDREN)
                    .map(MutableNode::freeze)
                    .toList();
            return new Attribution.RefNode(label, count, kids);
        }
    }
}
