package io.leakwatch.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to reach ClickHouse: {@link Mode#EMBEDDED} (chDB in this process, one data directory) or
 * {@link Mode#SERVER} (a ClickHouse server over HTTP). Immutable; validated on construction.
 *
 * @param mode        embedded or server
 * @param dataDir     embedded: data directory (owned by this process)
 * @param chdbLibrary embedded: path of libchdb.so (see {@link ChdbLibrary#locate()})
 * @param url         server: HTTP endpoint, e.g. {@code http://clickhouse:8123}
 * @param user        server: user name
 * @param password    server: password (never logged)
 * @param database    server: database holding LeakWatch's tables
 * @param poolSize    embedded: chDB connections (parallel statements); server: HTTP connections
 * @param ttlDays     days raw points and rollups are kept
 * @param cluster     server: ClickHouse cluster name ({@code remote_servers}) to lay the schema out on as
 *                    replicated local tables behind distributed ones, or {@code null} for a single server
 */
public record StoreConfig(Mode mode, Path dataDir, Path chdbLibrary, String url, String user, String password,
                          String database, int poolSize, int ttlDays, String cluster) {
    public static final int DEFAULT_POOL_SIZE = 4;
    public static final int DEFAULT_TTL_DAYS = 30;

    /** Where the engine runs. */
    public enum Mode { EMBEDDED, SERVER }

    public StoreConfig {
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.EMBEDDED) {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(chdbLibrary, "chdbLibrary");
        } else {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(database, "database");
            if (!database.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
                throw new IllegalArgumentException("database must be a plain identifier, got " + database);
            }
        }
        if (poolSize < 1 || poolSize > 64) {
            throw new IllegalArgumentException("poolSize must be 1..64, got " + poolSize);
        }
        if (ttlDays < 1 || ttlDays > 3650) {
            throw new IllegalArgumentException("ttlDays must be 1..3650, got " + ttlDays);
        }
        if (cluster != null) {
            if (mode == Mode.EMBEDDED) {
                throw new IllegalArgumentException("a cluster needs server mode; the embedded engine is one node");
            }
            if (!cluster.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
                throw new IllegalArgumentException("cluster must be a plain identifier, got " + cluster);
            }
        }
    }

    /** Without a cluster (a single node). */
    public StoreConfig(Mode mode, Path dataDir, Path chdbLibrary, String url, String user, String password,
                       String database, int poolSize, int ttlDays) {
        this(mode, dataDir, chdbLibrary, url, user, password, database, poolSize, ttlDays, null);
    }

    /** Embedded engine with default pool size and TTL. */
    public static StoreConfig embedded(Path dataDir, Path chdbLibrary) {
        return new StoreConfig(Mode.EMBEDDED, dataDir, chdbLibrary, null, null, null, null,
                DEFAULT_POOL_SIZE, DEFAULT_TTL_DAYS);
    }

    /** ClickHouse server with default pool size and TTL. */
    public static StoreConfig server(String url, String user, String password, String database) {
        return new StoreConfig(Mode.SERVER, null, null, url, user, password == null ? "" : password, database,
                DEFAULT_POOL_SIZE, DEFAULT_TTL_DAYS);
    }

    public StoreConfig withPoolSize(int size) {
        return new StoreConfig(mode, dataDir, chdbLibrary, url, user, password, database, size, ttlDays, cluster);
    }

    public StoreConfig withTtlDays(int days) {
        return new StoreConfig(mode, dataDir, chdbLibrary, url, user, password, database, poolSize, days, cluster);
    }

    /** The same server laid out on cluster {@code name}; {@code null} for a single server. */
    public StoreConfig withCluster(String name) {
        return new StoreConfig(mode, dataDir, chdbLibrary, url, user, password, database, poolSize, ttlDays, name);
    }

    /** Where the schema lives, for {@link io.leakwatch.store.schema.Migrations#apply}. */
    public io.leakwatch.store.schema.Topology topology() {
        return cluster == null
                ? io.leakwatch.store.schema.Topology.singleNode()
                : io.leakwatch.store.schema.Topology.cluster(cluster, database);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return mode == Mode.EMBEDDED
                ? "StoreConfig[embedded, dataDir=" + dataDir + ", lib=" + chdbLibrary + ", pool=" + poolSize + ", ttlDays=" + ttlDays + "]"
                : "StoreConfig[server, url=" + url + ", user=" + user + ", database=" + database
                        + (cluster == null ? "" : ", cluster=" + cluster) + ", pool=" + poolSize + ", ttlDays=" + ttlDays + "]";
    }
}
