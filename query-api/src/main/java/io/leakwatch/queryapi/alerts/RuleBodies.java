package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.AlertRule;
import io.leakwatch.alerting.RuleFileException;
import io.leakwatch.alerting.RuleFileLoader;
import io.leakwatch.queryapi.BadParameterException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule request bodies and stored rule definitions, both in the rule file's shape, parsed by
 * {@link RuleFileLoader} so the API and the YAML file accept exactly the same rules and reject the same
 * mistakes (unknown fields included). A rejection becomes a {@link BadParameterException} naming the field.
 */
public final class RuleBodies {

    private static final Pattern FIELD = Pattern.compile("field '([^']+)'");
    private static final Pattern UNKNOWN = Pattern.compile("unknown field '([^']+)'");
    private static final List<String> RULE_FIELDS = List.of("id", "name", "matchers", "channels", "for",
            "repeatInterval", "resolveDelay", "severity", "condition");
    private static final RuleFileLoader LOADER = new RuleFileLoader();

    private RuleBodies() {
    }

    /**
     * A rule from a request body. {@code pathId}, when given (PUT), must equal the body's id or fills it in.
     *
     * @throws BadParameterException naming the first offending field
     */
    public static AlertRule parseRequest(JsonObject body, String pathId) {
        if (pathId != null) {
            if (!AlertRule.ID.matcher(pathId).matches()) {
                throw new BadParameterException("id", "rule id must match " + AlertRule.ID.pattern());
            }
            Object given = body.getValue("id");
            if (given == null) {
                body = body.copy().put("id", pathId);
            } else if (!pathId.equals(given)) {
                throw new BadParameterException("id", "the body's id must equal the id in the path");
            }
        }
        try {
            List<AlertRule> rules = LOADER.parse(new JsonObject().put("rules", new JsonArray().add(body)).encode(),
                    "request body");
            return rules.getFirst();
        } catch (RuleFileException e) {
            String first = e.errors().getFirst();
            Matcher unknown = UNKNOWN.matcher(first);
            Matcher field = FIELD.matcher(first);
            String name = unknown.find() ? unknown.group(1) : field.find() ? field.group(1) : leadingField(first);
            String detail = String.join("; ", e.errors().stream().map(RuleBodies::withoutPrefix).toList());
            throw new BadParameterException(name, detail.length() > 1000 ? detail.substring(0, 1000) + "…" : detail);
        }
    }

    /** A stored definition (it was valid when written). */
    public static AlertRule parseStored(String definition) {
        return LOADER.parse("{\"rules\":[" + definition + "]}", "stored rule").getFirst();
    }

    /** The rule's own checks say "id must match …", "repeatInterval must be at least 1m", "at most 16 channels". */
    private static String leadingField(String error) {
        String detail = withoutPrefix(error);
        for (String f : RULE_FIELDS) {
            if (detail.startsWith(f + " ") || detail.endsWith(" " + f)) {
                return f;
            }
        }
        return "body";
    }

    private static String withoutPrefix(String error) {
        // "rule 'x' (#1): field 'severity': …" → "field 'severity': …"; the position is always #1 here.
        int colon = error.indexOf("): ");
        return colon >= 0 && error.startsWith("rule ") ? error.substring(colon + 3) : error;
    }
}
