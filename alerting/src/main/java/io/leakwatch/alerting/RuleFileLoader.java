package io.leakwatch.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Loads {@link AlertRule}s from YAML. Every problem in the file is collected and reported at once in a
 * {@link RuleFileException}, each message naming the rule (id and position) and the field; unknown fields
 * are errors, so a typo cannot silently disable a condition. Files over {@value #MAX_BYTES} bytes or with
 * more than {@value #MAX_RULES} rules are refused.
 *
 * <pre>
 * rules:
 *   - id: heap-leak-critical
 *     name: Heap leak with high confidence
 *     matchers: ['environment="prod"', 'service=~"checkout-.*"']
 *     signal: heap                # or "any", or signals: [metaspace, threads]
 *     condition: {verdicts: [leak], minConfidence: 80, timeToExhaustionBelow: 6h}
 *     for: 5m
 *     severity: critical
 *     channels: [ops-slack]       # empty: the default channels
 *     repeatInterval: 4h
 *     resolveDelay: 15m
 * </pre>
 */
public final class RuleFileLoader {

    public static final int MAX_BYTES = 1 << 20;
    public static final int MAX_RULES = 1000;
    /** The default rules shipped with LeakWatch, enabled. */
    public static final String DEFAULT_RULES_RESOURCE = "/io/leakwatch/alerting/default-rules.yaml";

    static final Duration DEFAULT_FOR = Duration.ofMinutes(5);
    static final Duration DEFAULT_REPEAT = Duration.ofHours(4);
    static final Duration DEFAULT_RESOLVE_DELAY = Duration.ofMinutes(15);

    private static final Set<String> TOP_FIELDS = Set.of("rules");
    private static final Set<String> RULE_FIELDS = Set.of("id", "name", "enabled", "matchers", "signal", "signals",
            "condition", "for", "severity", "channels", "repeatInterval", "resolveDelay");
    private static final Set<String> CONDITION_FIELDS = Set.of("verdicts", "minConfidence", "timeToExhaustionBelow");

    private final YAMLMapper yaml = new YAMLMapper();

    /** The shipped default rules. */
    public List<AlertRule> loadDefaults() {
        try (InputStream in = RuleFileLoader.class.getResourceAsStream(DEFAULT_RULES_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULT_RULES_RESOURCE);
            }
            return parse(new String(in.readNBytes(MAX_BYTES + 1), StandardCharsets.UTF_8), "default-rules.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rules from a file on disk. */
    public List<AlertRule> load(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new RuleFileException(file.toString(), List.of("file larger than " + MAX_BYTES + " bytes"));
            }
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read rule file " + file, e);
        }
    }

    /** Rules from YAML text; {@code source} names the text in error messages. */
    public List<AlertRule> parse(String text, String source) {
        if (text.length() > MAX_BYTES) {
            throw new RuleFileException(source, List.of("file larger than " + MAX_BYTES + " bytes"));
        }
        JsonNode root;
        try {
            root = yaml.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RuleFileException(source, List.of("not valid YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new RuleFileException(source, List.of("not valid YAML: " + e.getMessage()));
        }
        List<String> errors = new ArrayList<>();
        if (root == null || !root.isObject() || !root.path("rules").isArray()) {
            throw new RuleFileException(source, List.of("expected a top-level 'rules:' list"));
        }
        unknownFields(root, TOP_FIELDS, "file", errors);
        JsonNode list = root.get("rules");
        if (list.size() > MAX_RULES) {
            throw new RuleFileException(source, List.of("more than " + MAX_RULES + " rules"));
        }
        List<AlertRule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            String where = "rule '" + node.path("id").asText("?") + "' (#" + (i + 1) + ")";
            AlertRule rule = parseRule(node, where, errors);
            if (rule != null && !ids.add(rule.id())) {
                errors.add(where + ": field 'id': duplicate id");
            } else if (rule != null) {
                rules.add(rule);
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleFileException(source, errors);
        }
        return List.copyOf(rules);
    }

    private AlertRule parseRule(JsonNode n, String where, List<String> errors) {
        if (!n.isObject()) {
            errors.add(where + ": expected a mapping");
            return null;
        }
        int before = errors.size();
        unknownFields(n, RULE_FIELDS, where, errors);
        String id = text(n, "id", null, where, errors);
        String name = text(n, "name", id, where, errors);
        boolean enabled = n.path("enabled").asBoolean(true);
        if (n.has("enabled") && !n.get("enabled").isBoolean()) {
            errors.add(where + ": field 'enabled': expected true or false");
        }
        List<LabelMatcher> matchers = new ArrayList<>();
        for (String m : strings(n, "matchers", where, errors)) {
            try {
                matchers.add(LabelMatcher.parse(m, LabelMatcher.RULE_LABELS));
            } catch (IllegalArgumentException e) {
                errors.add(where + ": field 'matchers': " + e.getMessage());
            }
        }
        Set<Signal> signals = signals(n, where, errors);
        AlertCondition condition = condition(n.path("condition"), where, errors);
        Duration forDuration = duration(n, "for", DEFAULT_FOR, where, errors);
        Severity severity = null;
        String sev = text(n, "severity", null, where, errors);
        if (sev != null) {
            try {
                severity = Severity.fromId(sev.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(where + ": field 'severity': " + e.getMessage());
            }
        }
        List<String> channels = strings(n, "channels", where, errors);
        Duration repeat = duration(n, "repeatInterval", DEFAULT_REPEAT, where, errors);
        Duration resolveDelay = duration(n, "resolveDelay", DEFAULT_RESOLVE_DELAY, where, errors);
        if (errors.size() > before || condition == null) {
            return null;
        }
        try {
            return new AlertRule(id, name, enabled, matchers, signals, condition, forDuration, severity, channels,
                    repeat, resolveDelay);
        } catch (IllegalArgumentException | NullPointerException e) {
            errors.add(where + ": " + e.getMessage());
            return null;
        }
    }

    private static Set<Signal> signals(JsonNode n, String where, List<String> errors) {
        if (n.has("signal") && n.has("signals")) {
            errors.add(where + ": fields 'signal' and 'signals': give one, not both");
            return Set.of();
        }
        List<String> ids = new ArrayList<>();
        String field = n.has("signals") ? "signals" : "signal";
        if (n.has("signals")) {
            ids.addAll(strings(n, "signals", where, errors));
        } else if (n.has("signal")) {
            ids.add(n.get("signal").asText());
        } else {
            errors.add(where + ": field 'signal': required (a signal id or 'any')");
        }
        Set<Signal> out = EnumSet.noneOf(Signal.class);
        for (String id : ids) {
            if (id.equals("any")) {
                return Set.of();
            }
            try {
                out.add(Signal.fromId(id));
            } catch (IllegalArgumentException e) {
                errors.add(where + ": field '" + field + "': unknown signal '" + id + "', expected 'any' or one of "
                        + String.join(", ", java.util.Arrays.stream(Signal.values()).map(Signal::id).toList()));
            }
        }
        return out;
    }

    private static AlertCondition condition(JsonNode c, String where, List<String> errors) {
        if (c.isMissingNode()) {
            errors.add(where + ": field 'condition': required");
            return null;
        }
        if (!c.isObject()) {
            errors.add(where + ": field 'condition': expected a mapping");
            return null;
        }
        unknownFields(c, CONDITION_FIELDS, where + ": field 'condition'", errors);
        Set<Verdict> verdicts = EnumSet.noneOf(Verdict.class);
        List<String> given = strings(c, "verdicts", where, errors);
        for (String v : given) {
            try {
                verdicts.add(Verdict.valueOf(v.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                errors.add(where + ": field 'condition.verdicts': unknown verdict '" + v
                        + "', expected leak, growing, ok or insufficient_data");
            }
        }
        if (given.isEmpty()) {
            verdicts = EnumSet.of(Verdict.LEAK, Verdict.GROWING);
        }
        int minConfidence = 0;
        if (c.has("minConfidence")) {
            JsonNode m = c.get("minConfidence");
            if (!m.canConvertToInt() || !m.isNumber() || m.asInt() < 0 || m.asInt() > 100) {
                errors.add(where + ": field 'condition.minConfidence': expected an integer within 0..100, got '"
                        + m.asText() + "'");
            } else {
                minConfidence = m.asInt();
            }
        }
        Duration tte = durationAt(c, "timeToExhaustionBelow", null, where + ": field 'condition.", errors);
        if (tte != null && tte.isZero()) {
            errors.add(where + ": field 'condition.timeToExhaustionBelow': must be positive");
            return null;
        }
        try {
            return new AlertCondition(verdicts.isEmpty() ? EnumSet.of(Verdict.LEAK) : verdicts, minConfidence, tte);
        } catch (IllegalArgumentException e) {
            errors.add(where + ": field 'condition': " + e.getMessage());
            return null;
        }
    }

    private static Duration duration(JsonNode n, String field, Duration dflt, String where, List<String> errors) {
        return durationAt(n, field, dflt, where + ": field '", errors);
    }

    private static Duration durationAt(JsonNode n, String field, Duration dflt, String prefix, List<String> errors) {
        if (!n.has(field)) {
            return dflt;
        }
        try {
            return DurationText.parse(n.get(field).asText());
        } catch (IllegalArgumentException e) {
            errors.add(prefix + field + "': " + e.getMessage());
            return dflt;
        }
    }

    private static String text(JsonNode n, String field, String dflt, String where, List<String> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                errors.add(where + ": field '" + field + "': required");
            }
            return dflt;
        }
        if (!v.isTextual()) {
            errors.add(where + ": field '" + field + "': expected a string");
            return dflt;
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode n, String field, String where, List<String> errors) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            errors.add(where + ": field '" + field + "': expected a list");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isValueNode()) {
                errors.add(where + ": field '" + field + "': expected a list of strings");
            } else {
                out.add(e.asText());
            }
        }
        return out;
    }

    private static void unknownFields(JsonNode n, Set<String> known, String where, List<String> errors) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                errors.add(where + ": unknown field '" + f + "', expected one of "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
