package io.leakwatch.store.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.engine.ChdbEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster DDL is not only the text we reviewed but text ClickHouse parses: the real engine's parser
 * ({@code EXPLAIN AST}, which needs no cluster or Keeper) accepts every statement, and the single-node form
 * still migrates an embedded store from scratch and again idempotently.
 */
class ClusterDdlParsesTest {
    @TempDir
    Path dataDir;

    @Test
    void theEngineParsesEveryClusterStatementAndSingleNodeStillMigrates() throws Exception {
        try (ChdbEngine engine = ChdbEngine.open(ChdbLibrary.locate(), dataDir, 1)) {
            Topology cluster = Topology.cluster("leakwatch", "leakwatch");
            List<String> statements = new ArrayList<>(cluster.statements(Migrations.SCHEMA_MIGRATIONS_DDL));
            cluster.apply(Schema.migrations(StoreConfig.DEFAULT_TTL_DAYS))
                    .forEach(m -> statements.addAll(m.statements()));
            for (String statement : statements) {
                String ast = new String(engine.query("EXPLAIN AST " + statement, Map.of(), "TabSeparated"),
                        StandardCharsets.UTF_8);
                assertThat(ast).as(statement).contains("CreateQuery");
            }

            List<Migration> single = Schema.migrations(StoreConfig.DEFAULT_TTL_DAYS);
            assertThat(Migrations.apply(engine, single, Topology.singleNode())).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(Migrations.apply(engine, single, Topology.singleNode())).isEmpty();
            assertThat(Migrations.appliedVersions(engine)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        }
    }
}
