package io.leakwatch.standalone.deploy;

import static io.leakwatch.standalone.deploy.DeploymentFiles.at;
import static io.leakwatch.standalone.deploy.DeploymentFiles.list;
import static io.leakwatch.standalone.deploy.DeploymentFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.standalone.LauncherSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, checked against the code without a Docker engine: every LEAKWATCH_* variable is one
 * the container's program reads, hosts name services of the file, health checks hit the health endpoints.
 */
class DockerComposeTest {
    private static final Set<String> LEAKWATCH_SERVICES = Set.of("ingest", "query-api");

    private static Path root;
    private static Map<String, Object> compose;
    private static Map<String, Object> services;

    @BeforeAll
    static void load() {
        root = DeploymentFiles.repositoryRoot();
        compose = DeploymentFiles.document(root.resolve("docker-compose.yml"));
        services = map(compose.get("services"), "services");
    }

    private static Map<String, Object> service(String name) {
        return map(services.get(name), "services." + name);
    }

    private static Map<String, String> environment(String name) {
        Object env = service(name).get("environment");
        Map<String, String> out = new TreeMap<>();
        if (env == null) {
            return out;
        }
        // Merge keys (<<) are resolved by the loader; values may be numbers in YAML.
        map(env, name + ".environment").forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    private static List<String> strings(Object value, String where) {
        List<String> out = new ArrayList<>();
        for (Object o : list(value, where)) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private static boolean runsTheAgent(String name) {
        Object entrypoint = service(name).get("entrypoint");
        return entrypoint != null && strings(entrypoint, name).stream()
                .anyMatch(arg -> arg.startsWith("-javaagent:") && arg.contains("leakwatch-agent.jar"));
    }

    @Test
    void hasKafkaClickHouseTheTwoServicesAndADemoFleetWithTheAgent() {
        assertThat(services).containsKeys("kafka", "clickhouse", "ingest", "query-api");
        assertThat((String) service("kafka").get("image")).startsWith("apache/kafka:");
        assertThat((String) service("clickhouse").get("image")).startsWith("clickhouse/clickhouse-server:");
        assertThat(services.keySet().stream().filter(DockerComposeTest::runsTheAgent)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void leakWatchServicesRunTheImageWithTheirSubcommand() {
        for (String name : LEAKWATCH_SERVICES) {
            assertThat((String) service(name).get("image")).as(name).contains("leakwatch:");
            assertThat(strings(service(name).get("command"), name)).as(name).containsExactly(name);
            assertThat(LauncherSettings.subcommands()).contains(name);
        }
    }

    @Test
    void everyLeakWatchVariableOfAServiceIsAnOptionOfItsSubcommand() {
        for (String name : LEAKWATCH_SERVICES) {
            Set<String> allowed = LauncherSettings.environmentKeys(name);
            assertThat(allowed).as("derived from picocli").contains("LEAKWATCH_CLICKHOUSE_URL", "LEAKWATCH_BIND");
            assertThat(leakWatchKeys(name)).as(name).isNotEmpty().isSubsetOf(allowed);
            assertThat(environment(name)).as(name)
                    .containsEntry("LEAKWATCH_BIND", "0.0.0.0")
                    .containsKeys("LEAKWATCH_CLICKHOUSE_URL", "LEAKWATCH_CLICKHOUSE_PASSWORD");
        }
        assertThat(environment("ingest")).containsKey("LEAKWATCH_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void everyLeakWatchVariableOfADemoJvmIsAnAgentKey() {
        Set<String> allowed = DeploymentFiles.agentEnvironmentKeys();
        assertThat(allowed).contains("LEAKWATCH_EXPORTER", "LEAKWATCH_KAFKA_BOOTSTRAP_SERVERS");
        List<String> agents = services.keySet().stream().filter(DockerComposeTest::runsTheAgent).toList();
        for (String name : agents) {
            assertThat(leakWatchKeys(name)).as(name).isSubsetOf(allowed)
                    .contains("LEAKWATCH_SERVICE_NAME", "LEAKWATCH_INSTANCE_ID", "LEAKWATCH_EXPORTER");
            assertThat(strings(service(name).get("entrypoint"), name)).as(name).contains("io.leakwatch.demo.ScenarioMain");
        }
        assertThat(agents.stream().map(a -> environment(a).get("LEAKWATCH_EXPORTER"))).contains("kafka", "otlp");
    }

    @Test
    void noOtherServiceHasLeakWatchVariables() {
        for (String name : services.keySet()) {
            if (!LEAKWATCH_SERVICES.contains(name) && !runsTheAgent(name)) {
                assertThat(leakWatchKeys(name)).as(name).isEmpty();
            }
        }
    }

    @Test
    void addressesNameServicesOfThisFile() {
        Map<String, String> ingest = environment("ingest");
        assertThat(services).containsKey(URI.create(ingest.get("LEAKWATCH_CLICKHOUSE_URL")).getHost());
        assertThat(environment("query-api").get("LEAKWATCH_CLICKHOUSE_URL")).isEqualTo(ingest.get("LEAKWATCH_CLICKHOUSE_URL"));
        assertThat(hosts(ingest.get("LEAKWATCH_KAFKA_BOOTSTRAP_SERVERS"))).allMatch(services::containsKey);
        for (String name : services.keySet()) {
            Map<String, String> env = environment(name);
            if (runsTheAgent(name) && "kafka".equals(env.get("LEAKWATCH_EXPORTER"))) {
                assertThat(env.get("LEAKWATCH_KAFKA_BOOTSTRAP_SERVERS")).as(name)
                        .isEqualTo(ingest.get("LEAKWATCH_KAFKA_BOOTSTRAP_SERVERS"));
                assertThat(env.get("LEAKWATCH_KAFKA_TOPIC")).as(name).isEqualTo(ingest.get("LEAKWATCH_KAFKA_TOPIC"));
            } else if (runsTheAgent(name)) {
                URI endpoint = URI.create(env.get("LEAKWATCH_OTLP_ENDPOINT"));
                assertThat(endpoint.getHost()).as(name).isEqualTo("ingest");
                assertThat(endpoint.getPort()).as(name).isEqualTo(4318);
            }
        }
    }

    private static List<String> hosts(String bootstrapServers) {
        return List.of(bootstrapServers.split(",")).stream().map(s -> s.substring(0, s.lastIndexOf(':'))).toList();
    }

    @Test
    void servicesPublishTheirPortsAndCheckTheirHealthEndpoints() {
        assertThat(strings(service("ingest").get("ports"), "ingest")).anyMatch(p -> p.endsWith(":4318:4318"));
        assertThat(strings(service("query-api").get("ports"), "query-api")).anyMatch(p -> p.endsWith(":8080:8080"));
        assertThat(String.join(" ", strings(at(service("ingest"), "healthcheck", "test"), "ingest")))
                .contains("/dev/tcp/127.0.0.1/4318", "GET /health/ready");
        assertThat(String.join(" ", strings(at(service("query-api"), "healthcheck", "test"), "query-api")))
                .contains("/dev/tcp/127.0.0.1/8080", "GET /health/ready");
        assertThat(services.keySet()).allSatisfy(name -> {
            if (!name.equals("kafka-topics") && !runsTheAgent(name)) {
                assertThat(service(name)).as(name).containsKey("healthcheck");
            }
        });
    }

    @Test
    void namedVolumesAreDeclaredAndMountedJarsAreBuildOutputs() throws Exception {
        Set<String> declared = map(compose.get("volumes"), "volumes").keySet();
        Set<String> used = new TreeSet<>();
        for (String name : services.keySet()) {
            Object volumes = service(name).get("volumes");
            if (volumes == null) {
                continue;
            }
            for (String volume : strings(volumes, name)) {
                String source = volume.substring(0, volume.indexOf(':'));
                if (source.startsWith("./")) {
                    // ./<module>/target/<jar>: the module exists and its pom names the jar it builds.
                    Path path = Path.of(source.substring(2));
                    assertThat(path.getName(1)).as(volume).hasToString("target");
                    String pom = Files.readString(root.resolve(path.getName(0)).resolve("pom.xml"));
                    String jar = path.getFileName().toString();
                    assertThat(pom).as(volume).contains(jar.substring(0, jar.length() - ".jar".length()));
                } else {
                    used.add(source);
                }
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(declared).containsAll(used);
    }

    @Test
    void dependenciesNameServicesOfThisFile() {
        for (String name : services.keySet()) {
            Object dependsOn = service(name).get("depends_on");
            if (dependsOn != null) {
                assertThat(map(dependsOn, name).keySet()).as(name).allMatch(services::containsKey);
            }
        }
    }

    private static Set<String> leakWatchKeys(String name) {
        Set<String> keys = new TreeSet<>(environment(name).keySet());
        keys.removeIf(k -> !k.startsWith("LEAKWATCH_"));
        return keys;
    }
}
