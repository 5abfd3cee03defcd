package io.leakwatch.store.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leakwatch.store.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schema's two forms checked against reviewed, checked-in DDL: the single-node form (what embedded and
 * single-server stores run, unchanged by the cluster work) and the cluster form derived from it. A
 * deliberate schema change regenerates both with {@code -Dgolden.update=true}; the diff is then reviewed.
 */
class ClusterSchemaTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Topology CLUSTER = Topology.cluster("leakwatch_cluster", "leakwatch");

    static Stream<Migration> migrations() {
        return Schema.migrations(StoreConfig.DEFAULT_TTL_DAYS).stream();
    }

    @ParameterizedTest(name = "migration {0}")
    @MethodSource("migrations")
    void singleNodeDdlIsUnchanged(Migration migration) throws IOException {
        Migration same = Topology.singleNode().apply(List.of(migration)).getFirst();
        assertThat(same).isSameAs(migration);
        assertGolden("single/migration-" + migration.version() + ".sql", render(migration));
    }

    @ParameterizedTest(name = "migration {0}")
    @MethodSource("migrations")
    void clusterDdlMatchesTheReviewedFile(Migration migration) throws IOException {
        List<Migration> all = CLUSTER.apply(Schema.migrations(StoreConfig.DEFAULT_TTL_DAYS));
        Migration clustered = all.stream().filter(m -> m.version() == migration.version()).findFirst().orElseThrow();
        assertGolden("cluster/migration-" + migration.version() + ".sql", render(clustered));
    }

    @Test
    void theMigrationRecordHasBothForms() throws IOException {
        assertThat(Topology.singleNode().statements(Migrations.SCHEMA_MIGRATIONS_DDL))
                .containsExactly(Migrations.SCHEMA_MIGRATIONS_DDL);
        assertGolden("single/schema_migrations.sql",
                render(new Migration(0, "migration record", List.of(Migrations.SCHEMA_MIGRATIONS_DDL))));
        assertGolden("cluster/schema_migrations.sql", render(new Migration(0, "migration record",
                CLUSTER.statements(Migrations.SCHEMA_MIGRATIONS_DDL))));
    }

    @Test
    void everyMergeTreeTableBecomesAReplicatedLocalTableBehindADistributedOne() {
        List<String> statements = CLUSTER.apply(Schema.migrations(30)).stream()
                .flatMap(m -> m.statements().stream()).toList();
        assertThat(statements).allSatisfy(s -> assertThat(s).contains(" ON CLUSTER leakwatch_cluster ")
                .doesNotContain("non_replicated_deduplication_window"));
        long tables = Schema.migrations(30).stream().flatMap(m -> m.statements().stream())
                .filter(s -> s.contains("ENGINE = ")).count();
        assertThat(statements).filteredOn(s -> s.contains("ENGINE = Replicated")).hasSize((int) tables);
        assertThat(statements).filteredOn(s -> s.contains("ENGINE = Distributed(leakwatch_cluster, leakwatch, "))
                .hasSize((int) tables);
        // every view fires on a shard's local table and writes the same shard's local table
        assertThat(statements).filteredOn(s -> s.contains("MATERIALIZED VIEW")).hasSize(8)
                .allSatisfy(s -> assertThat(s).containsPattern("TO leakwatch\\.[a-z_0-9]+_local AS")
                        .containsPattern("FROM leakwatch\\.[a-z_0-9]+_local[)\\s]"));
        assertThat(statements).filteredOn(s -> s.contains("MATERIALIZED VIEW") && s.contains("signal_floors_15m"))
                .singleElement().satisfies(s -> assertThat(s).contains("TO leakwatch.signal_floors_15m_local")
                        .contains("FROM leakwatch.metric_points_1m_local\n"));
        // migration 5's floors view (series_points, written by older builds) and migration 6's (series_values)
        assertThat(statements).filteredOn(s -> s.contains("MATERIALIZED VIEW") && s.contains("series_floors_15m"))
                .hasSize(2).allSatisfy(s -> assertThat(s).contains("TO leakwatch.series_floors_15m_local"))
                .anySatisfy(s -> assertThat(s).contains("FROM leakwatch.series_points_local\n"))
                .anySatisfy(s -> assertThat(s).contains("FROM leakwatch.series_values_local\n"));
    }

    @Test
    void shardingKeepsAnInstanceOnOneShardAndKeyedRowsTogether() {
        List<String> statements = CLUSTER.apply(Schema.migrations(30)).stream()
                .flatMap(m -> m.statements().stream()).toList();
        assertThat(statements).anySatisfy(s -> assertThat(s)
                .contains("leakwatch, metric_points_local, cityHash64(instance))"));
        assertThat(statements).anySatisfy(s -> assertThat(s)
                .contains("alert_rules_local, cityHash64(id))"));
        // series-keyed tables, the series table included, by the series id's instance half
        for (String t : List.of("series", "series_points", "series_points_1m", "series_floors_15m")) {
            assertThat(statements).anySatisfy(s -> assertThat(s)
                    .contains("leakwatch, " + t + "_local, intDiv(series_id, 4294967296))"));
        }
        assertThat(statements).anySatisfy(s -> assertThat(s)
                .contains("alert_history_local, rand())"));
    }

    @Test
    void anUnknownStatementFormIsRefusedRatherThanRunUnclustered() {
        Migration alter = new Migration(99, "x", List.of("ALTER TABLE metric_points ADD COLUMN x UInt8"));
        assertThatThrownBy(() -> CLUSTER.apply(List.of(alter)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ALTER TABLE metric_points");
        Migration log = new Migration(98, "x", List.of("CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = Log"));
        assertThatThrownBy(() -> CLUSTER.apply(List.of(log)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not MergeTree-family");
    }

    @Test
    void namesAreValidatedIdentifiers() {
        assertThatThrownBy(() -> Topology.cluster("a b", "leakwatch")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Topology.cluster("c", "x;DROP")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.server("http://h:8123", "u", "", "db").withCluster("c')--"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreConfig.embedded(Path.of("/tmp/x"), Path.of("/tmp/lib.so")).withCluster("c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server mode");
        StoreConfig clustered = StoreConfig.server("http://h:8123", "u", "", "db").withCluster("main");
        assertThat(clustered.topology()).isEqualTo(Topology.cluster("main", "db"));
        assertThat(clustered.withCluster(null).topology().clustered()).isFalse();
        assertThat(clustered.withPoolSize(2).cluster()).isEqualTo("main");
    }

    private static String render(Migration migration) {
        List<String> parts = new ArrayList<>();
        parts.add("-- migration " + migration.version() + ": " + migration.description() + "\n");
        for (String statement : migration.statements()) {
            parts.add(statement + ";\n");
        }
        return String.join("\n", parts);
    }

    private static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file %s (regenerate with -Dgolden.update=true)", file).exists();
        assertThat(actual).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
