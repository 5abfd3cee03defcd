package io.leakwatch.standalone.deploy;

import static io.leakwatch.standalone.deploy.DeploymentFiles.at;
import static io.leakwatch.standalone.deploy.DeploymentFiles.list;
import static io.leakwatch.standalone.deploy.DeploymentFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.leakwatch.standalone.LauncherSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest under k8s/ parses, the built-in kinds into the fabric8 Kubernetes model, the operators' custom resources generically; the base's workloads are checked against the
 * code (subcommands, ports, health endpoints, LEAKWATCH_* keys) and against each other (Services, Ingress,
 * HPA, PDBs, ConfigMaps, the Secret, Kafka and ClickHouse addresses).
 */
class KubernetesManifestsTest {
    private static final Map<String, Class<? extends HasMetadata>> BUILT_IN = Map.of(
            "Deployment", Deployment.class,
            "Service", Service.class,
            "ConfigMap", ConfigMap.class,
            "Secret", Secret.class,
            "Namespace", Namespace.class,
            "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "PodDisruptionBudget", PodDisruptionBudget.class,
            "Ingress", Ingress.class);
    private static final Set<String> CUSTOM = Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "ClickHouseInstallation");
    private static final Map<String, Integer> SERVICE_PORTS = Map.of("ingest", 4318, "query-api", 8080);

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static Path k8s;
    private static List<HasMetadata> base;

    @BeforeAll
    static void load() {
        k8s = DeploymentFiles.repositoryRoot().resolve("k8s");
        base = typed(k8s.resolve("base"));
    }

    /** The built-in objects of every manifest in a directory (kustomization files and custom resources aside). */
    private static List<HasMetadata> typed(Path dir) {
        List<HasMetadata> out = new ArrayList<>();
        for (Path file : manifests(dir)) {
            for (Map<String, Object> doc : DeploymentFiles.documents(file)) {
                Class<? extends HasMetadata> type = BUILT_IN.get(String.valueOf(doc.get("kind")));
                if (type != null && !isPatch(file)) {
                    out.add(MAPPER.convertValue(doc, type));
                }
            }
        }
        return out;
    }

    private static boolean isPatch(Path file) {
        return file.getParent().getParent().getFileName().toString().equals("overlays")
                && !file.getFileName().toString().equals("namespace.yaml");
    }

    private static List<Path> manifests(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T extends HasMetadata> List<T> all(Class<T> type) {
        return base.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T named(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in k8s/base"));
    }

    private static List<Map<String, Object>> custom(String kind) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Path file : manifests(k8s.resolve("backends"))) {
            DeploymentFiles.documents(file).stream().filter(d -> kind.equals(d.get("kind"))).forEach(out::add);
        }
        return out;
    }

    @Test
    void everyManifestIsAKnownKindAndParses() {
        for (Path file : manifests(k8s)) {
            for (Map<String, Object> doc : DeploymentFiles.documents(file)) {
                String kind = String.valueOf(doc.get("kind"));
                assertThat(doc).as(file.toString()).containsKeys("apiVersion", "kind");
                assertThat(BUILT_IN.containsKey(kind) || CUSTOM.contains(kind) || kind.equals("Kustomization"))
                        .as(file + ": kind " + kind).isTrue();
                if (BUILT_IN.containsKey(kind) && !isPatch(file)) {
                    HasMetadata object = MAPPER.convertValue(doc, BUILT_IN.get(kind));
                    assertThat(object.getMetadata().getName()).as(file.toString()).isNotBlank();
                } else if (CUSTOM.contains(kind)) {
                    assertThat(at(doc, "metadata", "name")).as(file.toString()).isNotNull();
                    assertThat(doc).as(file.toString()).containsKey("spec");
                }
            }
        }
        assertThat(all(Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("leakwatch-ingest", "leakwatch-query-api");
    }

    private static Container container(Deployment deployment) {
        List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.getFirst();
    }

    private static String subcommand(Deployment deployment) {
        return container(deployment).getArgs().getFirst();
    }

    @Test
    void workloadsRunTheImageWithASubcommandOnItsPort() {
        for (Deployment deployment : all(Deployment.class)) {
            Container c = container(deployment);
            String subcommand = subcommand(deployment);
            assertThat(LauncherSettings.subcommands()).contains(subcommand);
            assertThat(c.getImage()).isEqualTo("leakwatch");
            assertThat(c.getPorts()).extracting(ContainerPort::getContainerPort).containsExactly(SERVICE_PORTS.get(subcommand));
        }
    }

    @Test
    void probesHitTheHealthEndpointsOnTheServicePort() {
        for (Deployment deployment : all(Deployment.class)) {
            Container c = container(deployment);
            int port = SERVICE_PORTS.get(subcommand(deployment));
            assertProbe(c, c.getLivenessProbe(), "/health/live", port);
            assertProbe(c, c.getStartupProbe(), "/health/live", port);
            assertProbe(c, c.getReadinessProbe(), "/health/ready", port);
        }
    }

    private static void assertProbe(Container c, Probe probe, String path, int port) {
        assertThat(probe).as(c.getName()).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(c.getName()).isEqualTo(path);
        assertThat(portNumber(c, probe.getHttpGet().getPort())).as(c.getName()).isEqualTo(port);
    }

    private static int portNumber(Container c, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + port.getStrVal()))
                .getContainerPort();
    }

    @Test
    void workloadsRunAsNonRootWithAReadOnlyRootAndLimits() {
        for (Deployment deployment : all(Deployment.class)) {
            var pod = deployment.getSpec().getTemplate().getSpec();
            Container c = container(deployment);
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(c.getResources().getLimits()).containsKey("memory");
        }
    }

    @Test
    void everyLeakWatchVariableIsAnOptionOfTheSubcommandAndThePasswordComesFromTheSecret() {
        for (Deployment deployment : all(Deployment.class)) {
            Container c = container(deployment);
            String subcommand = subcommand(deployment);
            Set<String> keys = new TreeSet<>();
            for (EnvVar env : c.getEnv()) {
                keys.add(env.getName());
            }
            for (EnvFromSource from : c.getEnvFrom()) {
                keys.addAll(named(ConfigMap.class, from.getConfigMapRef().getName()).getData().keySet());
            }
            keys.removeIf(k -> !k.startsWith("LEAKWATCH_"));
            assertThat(keys).as(subcommand).isSubsetOf(LauncherSettings.environmentKeys(subcommand))
                    .contains("LEAKWATCH_BIND", "LEAKWATCH_CLICKHOUSE_URL", "LEAKWATCH_CLICKHOUSE_PASSWORD");
            EnvVar password = c.getEnv().stream().filter(e -> e.getName().equals("LEAKWATCH_CLICKHOUSE_PASSWORD"))
                    .findFirst().orElseThrow();
            assertThat(password.getValue()).isNull();
            assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo("leakwatch-clickhouse");
            assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
        }
        for (ConfigMap configMap : all(ConfigMap.class)) {
            assertThat(configMap.getData().keySet()).noneMatch(k -> k.contains("PASSWORD"));
        }
        assertThat(named(ConfigMap.class, "leakwatch-config").getData()).containsEntry("LEAKWATCH_BIND", "0.0.0.0");
    }

    @Test
    void servicesIngressHpaAndPdbsPointAtTheWorkloads() {
        for (Service service : all(Service.class)) {
            Deployment target = selected(service.getSpec().getSelector());
            for (var port : service.getSpec().getPorts()) {
                portNumber(container(target), port.getTargetPort());
            }
        }
        IngressBackend backend = named(Ingress.class, "leakwatch-query-api").getSpec().getRules().getFirst()
                .getHttp().getPaths().getFirst().getBackend();
        Service ui = named(Service.class, backend.getService().getName());
        assertThat(ui.getSpec().getPorts()).anyMatch(p -> p.getName().equals(backend.getService().getPort().getName()));
        assertThat(subcommand(selected(ui.getSpec().getSelector()))).isEqualTo("query-api");

        HorizontalPodAutoscaler hpa = named(HorizontalPodAutoscaler.class, "leakwatch-ingest");
        Deployment scaled = named(Deployment.class, hpa.getSpec().getScaleTargetRef().getName());
        assertThat(subcommand(scaled)).isEqualTo("ingest");
        assertThat(hpa.getSpec().getMetrics()).anyMatch(m -> m.getResource().getName().equals("cpu"));
        assertThat(hpa.getSpec().getMaxReplicas()).as("no more consumers than partitions")
                .isLessThanOrEqualTo(topicPartitions("leakwatch.metrics"));

        assertThat(all(PodDisruptionBudget.class)).hasSize(2).allSatisfy(pdb ->
                selected(pdb.getSpec().getSelector().getMatchLabels()));
    }

    private static Deployment selected(Map<String, String> selector) {
        List<Deployment> matches = all(Deployment.class).stream()
                .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
                .toList();
        assertThat(matches).as("Deployments selected by " + selector).hasSize(1);
        return matches.getFirst();
    }

    private static int topicPartitions(String topicName) {
        return custom("KafkaTopic").stream().filter(t -> topicName.equals(at(t, "spec", "topicName")))
                .map(t -> (Integer) at(t, "spec", "partitions")).findFirst().orElseThrow();
    }

    @Test
    void kafkaClusterHasTheContractsTopicsAndTheBootstrapAddressIngestUses() {
        Map<String, Object> kafka = custom("Kafka").getFirst();
        String cluster = (String) at(kafka, "metadata", "name");
        assertThat(custom("KafkaTopic")).extracting(t -> at(t, "spec", "topicName"))
                .containsExactlyInAnyOrder("leakwatch.metrics", "leakwatch.jfr", "leakwatch.dlq");
        assertThat(custom("KafkaTopic")).allMatch(t -> cluster.equals(at(t, "metadata", "labels", "strimzi.io/cluster")));
        assertThat(custom("KafkaNodePool")).allMatch(p -> cluster.equals(at(p, "metadata", "labels", "strimzi.io/cluster")));
        Map<String, String> ingest = named(ConfigMap.class, "leakwatch-ingest-config").getData();
        assertThat(ingest.get("LEAKWATCH_KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(cluster + "-kafka-bootstrap:9092");
        assertThat(list(at(kafka, "spec", "kafka", "listeners"), "listeners")).anyMatch(l ->
                Integer.valueOf(9092).equals(map(l, "listener").get("port")) && Boolean.FALSE.equals(map(l, "listener").get("tls")));
        assertThat(ingest.get("LEAKWATCH_KAFKA_TOPIC")).isEqualTo("leakwatch.metrics");
    }

    @Test
    void clickHouseInstallationServesTheUrlUserAndSecretTheServicesUse() {
        Map<String, Object> chi = custom("ClickHouseInstallation").getFirst();
        Map<String, String> config = named(ConfigMap.class, "leakwatch-config").getData();
        URI url = URI.create(config.get("LEAKWATCH_CLICKHOUSE_URL"));
        assertThat(url.getHost()).isEqualTo("clickhouse-" + at(chi, "metadata", "name"));
        assertThat(url.getPort()).isEqualTo(8123);
        Map<String, Object> users = map(at(chi, "spec", "configuration", "users"), "users");
        assertThat(users).containsEntry(config.get("LEAKWATCH_CLICKHOUSE_USER") + "/k8s_secret_password",
                "leakwatch-clickhouse/password");
    }
}
