package io.leakwatch.alerting;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher in the Prometheus style: {@code label = value}, {@code !=}, {@code =~ regex},
 * {@code !~ regex}. Regexes are anchored (they must match the whole value), at most
 * {@value #MAX_PATTERN_LENGTH} characters, and compiled once here; values longer than
 * {@value #MAX_VALUE_LENGTH} characters never match a regex, which bounds the matching work.
 * Immutable and thread-safe.
 */
public final class LabelMatcher {

    /** Labels a rule may select on. */
    public static final Set<String> RULE_LABELS = Set.of("service", "version", "environment", "instance");
    /** Labels a silence may select on: the rule labels plus the alert's own. */
    public static final Set<String> SILENCE_LABELS =
            Set.of("service", "version", "environment", "instance", "signal", "rule", "severity");
    public static final int MAX_PATTERN_LENGTH = 256;
    public static final int MAX_VALUE_LENGTH = 512;

    private static final Pattern TEXT_FORM =
            Pattern.compile("^\\s*([a-z_]+)\\s*(=~|!~|!=|=)\\s*(?:\"(.*)\"|(\\S.*?))?\\s*$");

    /** The four operators. */
    public enum Op {
        EQ("="), NEQ("!="), RE("=~"), NRE("!~");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    private final String label;
    private final Op op;
    private final String value;
    private final Pattern pattern;

    /** A matcher; throws IllegalArgumentException for an over-long value or an invalid or over-long regex. */
    public LabelMatcher(String label, Op op, String value) {
        this.label = Objects.requireNonNull(label, "label");
        this.op = Objects.requireNonNull(op, "op");
        this.value = Objects.requireNonNull(value, "value");
        if (op == Op.RE || op == Op.NRE) {
            this.pattern = compile(value);
        } else if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("value longer than " + MAX_VALUE_LENGTH + " characters");
        } else {
            this.pattern = null;
        }
    }

    public String label() {
        return label;
    }

    public Op op() {
        return op;
    }

    public String value() {
        return value;
    }

    /** Parses {@code service=~"checkout-.*"} (quotes optional); the label must be one of {@code allowed}. */
    public static LabelMatcher parse(String text, Set<String> allowed) {
        if (text == null || text.length() > MAX_PATTERN_LENGTH + 64) {
            throw new IllegalArgumentException("matcher missing or too long");
        }
        Matcher m = TEXT_FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("matcher '" + text + "' is not of the form label=value, label!=value, "
                    + "label=~regex or label!~regex");
        }
        String label = m.group(1);
        if (!allowed.contains(label)) {
            throw new IllegalArgumentException("unknown label '" + label + "', expected one of "
                    + String.join(", ", allowed.stream().sorted().toList()));
        }
        Op op = switch (m.group(2)) {
            case "=" -> Op.EQ;
            case "!=" -> Op.NEQ;
            case "=~" -> Op.RE;
            default -> Op.NRE;
        };
        String value = m.group(3) != null ? m.group(3) : m.group(4) != null ? m.group(4) : "";
        return new LabelMatcher(label, op, value);
    }

    /** True when {@code actual} (null is treated as "") satisfies this matcher. */
    public boolean matches(String actual) {
        String v = actual == null ? "" : actual;
        return switch (op) {
            case EQ -> v.equals(value);
            case NEQ -> !v.equals(value);
            case RE -> v.length() <= MAX_VALUE_LENGTH && compiled().matcher(v).matches();
            case NRE -> v.length() > MAX_VALUE_LENGTH || !compiled().matcher(v).matches();
        };
    }

    /** The text form, e.g. {@code service=~"checkout-.*"}. */
    @Override
    public String toString() {
        return label + op.symbol() + "\"" + value + "\"";
    }

    private Pattern compiled() {
        return pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMatcher m && m.label.equals(label) && m.op == op && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, op, value);
    }

    private static Pattern compile(String regex) {
        if (regex.length() > MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException("regex longer than " + MAX_PATTERN_LENGTH + " characters");
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regex '" + regex + "': " + e.getDescription());
        }
    }
}
