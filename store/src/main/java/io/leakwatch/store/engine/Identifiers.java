package io.leakwatch.store.engine;

import io.leakwatch.store.StoreException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The only place identifiers and tokens that cannot be query parameters (table and column names, the
 * insert deduplication token in a SETTINGS clause) are checked before they appear in SQL text. Anything
 * outside the strict alphabet is refused rather than quoted.
 */
public final class Identifiers {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:/@=+\\-]{1,256}");

    private Identifiers() {
    }

    /** Returns {@code name} if it is a plain ClickHouse identifier, else throws. */
    public static String identifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new StoreException("not a valid identifier: " + abbreviate(name), false);
        }
        return name;
    }

    /** {@code (a, b, c)} after checking each name. */
    public static String columnList(List<String> columns) {
        if (columns.isEmpty()) {
            throw new StoreException("an insert needs at least one column", false);
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(identifier(columns.get(i)));
        }
        return sb.append(')').toString();
    }

    /** Returns the token if it only holds safe characters (it ends up inside a quoted SETTINGS literal). */
    public static String dedupToken(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            throw new StoreException("insert deduplication token must match " + TOKEN.pattern() + ": "
                    + abbreviate(token), false);
        }
        return token;
    }

    /** {@code INSERT INTO t (cols)} plus the dedup SETTINGS clause when a token is given. */
    public static String insertStatement(String table, List<String> columns, String dedupToken) {
        return insertStatement(table, columns, dedupToken, java.util.Map.of());
    }

    /** {@code INSERT INTO t (cols)} with a SETTINGS clause for the dedup token and {@code settings}. */
    public static String insertStatement(String table, List<String> columns, String dedupToken,
                                         java.util.Map<String, String> settings) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(identifier(table)).append(' ').append(columnList(columns));
        List<String> clauses = new java.util.ArrayList<>();
        if (dedupToken != null) {
            // the rollups fed by materialized views must drop a replayed block too, not count it twice
            clauses.add("insert_deduplication_token = '" + dedupToken(dedupToken) + "'");
            clauses.add("deduplicate_blocks_in_dependent_materialized_views = 1");
        }
        settings.forEach((name, value) -> clauses.add(identifier(name) + " = '" + dedupToken(value) + "'"));
        if (!clauses.isEmpty()) {
            sql.append(" SETTINGS ").append(String.join(", ", clauses));
        }
        return sql.toString();
    }

    /** Returns the format name if it is a plain word (ClickHouse format names are). */
    public static String format(String format) {
        return identifier(format);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
