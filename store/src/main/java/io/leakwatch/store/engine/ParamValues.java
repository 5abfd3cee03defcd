package io.leakwatch.store.engine;

import io.leakwatch.store.StoreException;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns Java values into the text form ClickHouse parses for a {@code {name:Type}} query parameter. Both
 * engines send exactly these strings (chDB through its parameter API, the server as {@code param_<name>}),
 * so a value means the same thing in both modes. Top-level strings use ClickHouse's "escaped" text form
 * (backslash escapes); Map/Array values are their quoted-literal text (the engine parses those as is).
 *
 * <p>Supported: String, Integer/Long/Short/Byte, Double/Float, Boolean, {@link Instant} (for
 * {@code DateTime64(3,'UTC')}), {@code Map<String,String>} and {@code Collection<String>}.
 */
public final class ParamValues {
    private static final DateTimeFormatter DATETIME64 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    /** Bound for a single value; larger inputs are a caller bug or an attack. */
    public static final int MAX_VALUE_CHARS = 1 << 20;

    private ParamValues() {
    }

    /** Formats every entry; the result keeps the input order. */
    public static Map<String, String> formatAll(Map<String, ?> params) {
        Map<String, String> out = new LinkedHashMap<>();
        if (params != null) {
            params.forEach((name, value) -> out.put(Identifiers.identifier(name), format(value)));
        }
        return out;
    }

    /** The parameter text of one value. */
    public static String format(Object value) {
        String text = switch (value) {
            case null -> throw new StoreException("query parameter value must not be null", false);
            case String s -> escaped(s);
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case Short s -> s.toString();
            case Byte b -> b.toString();
            case Double d -> floating(d);
            case Float f -> floating(f.doubleValue());
            case Boolean b -> b ? "true" : "false";
            case Instant t -> DATETIME64.format(t);
            case Map<?, ?> m -> map(m);
            case Collection<?> c -> array(c);
            default -> throw new StoreException("unsupported query parameter type " + value.getClass().getName(), false);
        };
        if (text.length() > MAX_VALUE_CHARS) {
            throw new StoreException("query parameter too large (" + text.length() + " chars)", false);
        }
        return text;
    }

    private static String floating(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return Double.toString(d);
    }

    private static String map(Map<?, ?> m) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            sb.append(first ? "" : ",");
            first = false;
            quoted(sb, requireString(e.getKey()));
            sb.append(':');
            quoted(sb, requireString(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String array(Collection<?> c) {
        StringBuilder sb = new StringBuilder("[");
        boolean first = true;
        for (Object o : c) {
            sb.append(first ? "" : ",");
            first = false;
            quoted(sb, requireString(o));
        }
        return sb.append(']').toString();
    }

    private static String requireString(Object o) {
        if (o instanceof String s) {
            return s;
        }
        throw new StoreException("Map and Array parameters hold strings only, got "
                + (o == null ? "null" : o.getClass().getName()), false);
    }

    /** A single-quoted ClickHouse string literal of {@code s} (used where a value cannot be a parameter). */
    public static String quotedLiteral(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        quoted(sb, s);
        return sb.toString();
    }

    /** A single-quoted ClickHouse string literal. */
    private static void quoted(StringBuilder sb, String s) {
        sb.append('\'');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\0' -> sb.append("\\0");
                default -> sb.append(ch);
            }
        }
        sb.append('\'');
    }

    /** ClickHouse "escaped" (TabSeparated) text form, which is how parameter values are parsed. */
    private static String escaped(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\0' -> sb.append("\\0");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
