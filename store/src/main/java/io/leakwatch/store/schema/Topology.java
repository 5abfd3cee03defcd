package io.leakwatch.store.schema;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the schema lives: a single node (embedded chDB or one ClickHouse server) or a named ClickHouse
 * cluster. The schema is written once, in single-node form ({@link Schema}); this class derives the cluster
 * form from those same statements, so the two can never drift apart. For a single node every statement is
 * returned unchanged, byte for byte.
 *
 * <p>For a cluster, each {@code CREATE TABLE IF NOT EXISTS t (...) ENGINE = XMergeTree...} becomes two
 * statements run {@code ON CLUSTER}: a local table {@code t_local} with
 * {@code ReplicatedXMergeTree('/clickhouse/tables/{shard}/{database}/t', '{replica}', ...)} and a
 * {@code Distributed} table named {@code t} (so queries and inserts work unchanged). Rows of series-keyed tables
 * (a {@code series_id} column) are sharded by the id's instance half, rows of others by
 * {@code cityHash64(instance)} where the table has an {@code instance} column, so an instance's raw points,
 * rollups and first/last-seen row live on one shard and the materialized views (which read and write the
 * local tables) aggregate complete data. Tables without {@code instance} whose engine merges rows by key
 * (Replacing, Aggregating, ...) are sharded by their sorting key, because {@code FINAL} and key merges only
 * see one shard at a time; the rest by {@code rand()}. Every table name in cluster DDL is qualified with
 * the database. Insert deduplication moves from
 * {@code non_replicated_deduplication_window} to {@code replicated_deduplication_window} with the same size.
 *
 * <p>A statement the transformation does not recognise is refused with {@link IllegalArgumentException},
 * so a new kind of migration statement must be taught here (and its golden DDL reviewed) before it ships.
 *
 * @param cluster  cluster name as configured in ClickHouse's {@code remote_servers}; {@code null} for a single node
 * @param database database holding LeakWatch's tables (the {@code Distributed} tables' target); {@code null} for a single node
 */
public record Topology(String cluster, String database) {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "\\A(\\s*CREATE TABLE IF NOT EXISTS )([A-Za-z_][A-Za-z0-9_]*)( \\()");
    private static final Pattern CREATE_VIEW = Pattern.compile(
            "\\A(\\s*CREATE MATERIALIZED VIEW IF NOT EXISTS )([A-Za-z_][A-Za-z0-9_]*)( TO )([A-Za-z_][A-Za-z0-9_]*)( AS\\s)");
    private static final Pattern ENGINE = Pattern.compile(
            "ENGINE = ([A-Za-z]*MergeTree)(?:\\(([^()]*)\\))?");
    private static final Pattern ORDER_BY = Pattern.compile("ORDER BY (\\(([^()]*)\\)|[A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern INSTANCE_COLUMN = Pattern.compile("(?m)^\\s*instance\\s");
    private static final Pattern SERIES_ID_COLUMN = Pattern.compile("(?m)^\\s*series_id\\s");
    private static final Pattern FROM = Pattern.compile("\\bFROM ([A-Za-z_][A-Za-z0-9_]*)\\b");
    private static final String DEDUP_SINGLE = "non_replicated_deduplication_window";
    private static final String DEDUP_REPLICATED = "replicated_deduplication_window";

    public Topology {
        if ((cluster == null) != (database == null)) {
            throw new IllegalArgumentException("cluster and database are given together or not at all");
        }
        if (cluster != null) {
            requireIdentifier("cluster", cluster);
            requireIdentifier("database", database);
        }
    }

    /** One node: statements run as written. */
    public static Topology singleNode() {
        return new Topology(null, null);
    }

    /** The named cluster; {@code database} is the database every node holds LeakWatch's tables in. */
    public static Topology cluster(String cluster, String database) {
        return new Topology(cluster, database);
    }

    public boolean clustered() {
        return cluster != null;
    }

    /** The migrations as they run on this topology; for a single node the very same list. */
    public List<Migration> apply(List<Migration> migrations) {
        if (!clustered()) {
            return migrations;
        }
        Set<String> tables = localTables(migrations);
        List<Migration> out = new ArrayList<>(migrations.size());
        for (Migration m : migrations) {
            List<String> statements = new ArrayList<>();
            for (String s : m.statements()) {
                statements.addAll(transform(s, tables));
            }
            out.add(new Migration(m.version(), m.description(), statements));
        }
        return out;
    }

    /** One statement that creates a table of its own (the migration record): its form on this topology. */
    public List<String> statements(String createTable) {
        if (!clustered()) {
            return List.of(createTable);
        }
        return transform(createTable, Set.of());
    }

    /** Names of every MergeTree-family table the migrations create: these become {@code _local} tables. */
    private static Set<String> localTables(List<Migration> migrations) {
        Set<String> tables = new LinkedHashSet<>();
        for (Migration m : migrations) {
            for (String s : m.statements()) {
                Matcher create = CREATE_TABLE.matcher(s);
                if (create.lookingAt() && ENGINE.matcher(s).find()) {
                    tables.add(create.group(2));
                }
            }
        }
        return tables;
    }

    private List<String> transform(String statement, Set<String> localTables) {
        Matcher table = CREATE_TABLE.matcher(statement);
        if (table.lookingAt()) {
            return table(statement, table);
        }
        Matcher view = CREATE_VIEW.matcher(statement);
        if (view.lookingAt()) {
            return List.of(view(statement, view, localTables));
        }
        throw new IllegalArgumentException("no cluster form known for statement: " + firstLine(statement));
    }

    private List<String> table(String statement, Matcher header) {
        String name = header.group(2);
        Matcher engine = ENGINE.matcher(statement);
        if (!engine.find()) {
            throw new IllegalArgumentException("table " + name + " is not MergeTree-family; no cluster form known");
        }
        String local = name + "_local";
        String args = "'/clickhouse/tables/{shard}/{database}/" + name + "', '{replica}'"
                + (engine.group(2) == null || engine.group(2).isBlank() ? "" : ", " + engine.group(2));
        String body = statement.substring(header.end(), engine.start())
                + "ENGINE = Replicated" + engine.group(1) + "(" + args + ")"
                + statement.substring(engine.end()).replace(DEDUP_SINGLE, DEDUP_REPLICATED);
        String localDdl = header.group(1) + qualified(local) + " ON CLUSTER " + cluster + header.group(3) + body;
        String distributedDdl = header.group(1) + qualified(name) + " ON CLUSTER " + cluster
                + " AS " + qualified(local) + "\n"
                + "ENGINE = Distributed(" + cluster + ", " + database + ", " + local + ", "
                + shardingKey(statement, engine.group(1)) + ")\n";
        return List.of(localDdl, distributedDdl);
    }

    private static String shardingKey(String statement, String engine) {
        String columns = statement.substring(0, statement.indexOf("ENGINE = "));
        if (SERIES_ID_COLUMN.matcher(columns).find()) {
            return "intDiv(series_id, 4294967296)"; // the id's instance half (SeriesId): a shard holds whole instances
        }
        if (INSTANCE_COLUMN.matcher(columns).find()) {
            return "cityHash64(instance)";
        }
        if (!engine.equals("MergeTree")) {
            Matcher order = ORDER_BY.matcher(statement);
            if (!order.find()) {
                throw new IllegalArgumentException("no ORDER BY in " + firstLine(statement));
            }
            return "cityHash64(" + (order.group(2) != null ? order.group(2) : order.group(1)) + ")";
        }
        return "rand()";
    }

    private String view(String statement, Matcher header, Set<String> localTables) {
        String target = header.group(4);
        if (!localTables.contains(target)) {
            throw new IllegalArgumentException("view " + header.group(2) + " targets " + target
                    + ", which no migration creates as a MergeTree table");
        }
        // The view fires on inserts into the shard's local table and writes the shard's local rollup.
        String select = statement.substring(header.end());
        Matcher from = FROM.matcher(select);
        StringBuilder rewritten = new StringBuilder();
        while (from.find()) {
            String source = from.group(1);
            from.appendReplacement(rewritten, Matcher.quoteReplacement(
                    "FROM " + qualified(localTables.contains(source) ? source + "_local" : source)));
        }
        from.appendTail(rewritten);
        return header.group(1) + qualified(header.group(2)) + " ON CLUSTER " + cluster + header.group(3)
                + qualified(target + "_local")
                + header.group(5) + rewritten;
    }

    /**
     * Every name in cluster DDL carries the database: each node runs the statement itself, and what an
     * unqualified name resolves to there must not depend on that node's session.
     */
    private String qualified(String table) {
        return database + "." + table;
    }

    private static void requireIdentifier(String what, String value) {
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be a plain identifier, got " + value);
        }
    }

    private static String firstLine(String statement) {
        String s = statement.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
