package io.leakwatch.standalone.deploy;

import static io.leakwatch.standalone.deploy.DeploymentFiles.at;
import static io.leakwatch.standalone.deploy.DeploymentFiles.list;
import static io.leakwatch.standalone.deploy.DeploymentFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kustomize tree under k8s/: what every kustomization lists exists, every patch targets an object the
 * build contains, overlays set the image; and, where {@code kubectl} is installed, each overlay renders.
 */
class KustomizationsTest {
    private static final List<String> OVERLAYS = List.of("dev", "production");

    private static Path k8s;

    @BeforeAll
    static void locate() {
        k8s = DeploymentFiles.repositoryRoot().resolve("k8s");
    }

    private static Map<String, Object> kustomization(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        assertThat(file).as(dir + " is a kustomization").isRegularFile();
        Map<String, Object> doc = DeploymentFiles.document(file);
        assertThat(doc).containsEntry("kind", "Kustomization");
        return doc;
    }

    private static List<String> entries(Map<String, Object> kustomization, String field) {
        Object value = kustomization.get(field);
        List<String> out = new ArrayList<>();
        if (value != null) {
            list(value, field).forEach(o -> out.add(String.valueOf(o)));
        }
        return out;
    }

    /** kind/name of every object the kustomization at {@code dir} builds from files (generators included). */
    private static Set<String> objects(Path dir) {
        Map<String, Object> kustomization = kustomization(dir);
        Set<String> out = new TreeSet<>();
        for (String resource : entries(kustomization, "resources")) {
            Path path = dir.resolve(resource).normalize();
            assertThat(path).as(dir + ": resource " + resource).exists();
            if (Files.isDirectory(path)) {
                out.addAll(objects(path));
            } else {
                for (Map<String, Object> doc : DeploymentFiles.documents(path)) {
                    out.add(doc.get("kind") + "/" + at(doc, "metadata", "name"));
                }
            }
        }
        Object generators = kustomization.get("secretGenerator");
        if (generators != null) {
            list(generators, "secretGenerator").forEach(g -> out.add("Secret/" + map(g, "generator").get("name")));
        }
        return out;
    }

    private static List<Path> kustomizationDirs() throws IOException {
        try (Stream<Path> files = Files.walk(k8s)) {
            return files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).map(Path::getParent).sorted().toList();
        }
    }

    @Test
    void everyListedResourceExistsAndEveryManifestIsListed() throws IOException {
        Set<Path> listed = new TreeSet<>();
        for (Path dir : kustomizationDirs()) {
            objects(dir);
            Map<String, Object> kustomization = kustomization(dir);
            for (String field : List.of("resources")) {
                entries(kustomization, field).forEach(r -> listed.add(dir.resolve(r).normalize()));
            }
            Object patches = kustomization.get("patches");
            if (patches != null) {
                for (Object patch : list(patches, "patches")) {
                    Object path = map(patch, "patch").get("path");
                    if (path != null) {
                        assertThat(dir.resolve(String.valueOf(path))).as(dir + ": patch " + path).isRegularFile();
                        listed.add(dir.resolve(String.valueOf(path)).normalize());
                    }
                }
            }
        }
        try (Stream<Path> files = Files.walk(k8s)) {
            List<Path> orphans = files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .filter(f -> !listed.contains(f.normalize())).toList();
            assertThat(orphans).as("manifests no kustomization uses").isEmpty();
        }
    }

    @Test
    void everyPatchTargetsAnObjectOfTheBuild() throws IOException {
        for (Path dir : kustomizationDirs()) {
            Object patches = kustomization(dir).get("patches");
            if (patches == null) {
                continue;
            }
            Set<String> built = objects(dir);
            for (Object entry : list(patches, "patches")) {
                Map<String, Object> patch = map(entry, "patch");
                List<String> targets = new ArrayList<>();
                if (patch.get("target") != null) {
                    Map<String, Object> target = map(patch.get("target"), "target");
                    targets.add(target.get("kind") + "/" + target.get("name"));
                } else {
                    for (Map<String, Object> doc : DeploymentFiles.documents(dir.resolve(String.valueOf(patch.get("path"))))) {
                        targets.add(doc.get("kind") + "/" + at(doc, "metadata", "name"));
                    }
                }
                assertThat(built).as(dir + ": patch " + patch).containsAll(targets);
            }
        }
    }

    @Test
    void overlaysNameTheImageANamespaceAndTheClickHouseSecret() {
        for (String overlay : OVERLAYS) {
            Path dir = k8s.resolve("overlays").resolve(overlay);
            Map<String, Object> kustomization = kustomization(dir);
            assertThat(kustomization.get("namespace")).as(overlay).isNotNull();
            assertThat(list(kustomization.get("images"), "images")).as(overlay)
                    .anyMatch(i -> "leakwatch".equals(map(i, "image").get("name")));
            assertThat(objects(dir)).as(overlay).contains("Namespace/" + kustomization.get("namespace"),
                    "Deployment/leakwatch-ingest", "Deployment/leakwatch-query-api", "Kafka/leakwatch",
                    "ClickHouseInstallation/leakwatch");
        }
        // Production expects the Secret to be created out of band (documented in its kustomization).
        assertThat(objects(k8s.resolve("overlays/dev"))).contains("Secret/leakwatch-clickhouse");
        assertThat(objects(k8s.resolve("overlays/production"))).doesNotContain("Secret/leakwatch-clickhouse");
    }

    @Test
    void overlaysRenderWithKubectlWhereItIsInstalled() throws Exception {
        Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(p -> Path.of(p, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeThat(kubectl).as("kubectl on PATH (kubectl kustomize renders the overlays)").isNotNull();
        for (String overlay : OVERLAYS) {
            Process process = new ProcessBuilder(kubectl.toString(), "kustomize", k8s.resolve("overlays").resolve(overlay).toString())
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(overlay + ": " + output).isZero();
            assertThat(output).as(overlay).contains("kind: Deployment", "kind: KafkaTopic", "/health/ready")
                    .doesNotContain("image: leakwatch\n");
        }
    }
}
