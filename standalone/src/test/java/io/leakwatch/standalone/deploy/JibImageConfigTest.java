package io.leakwatch.standalone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.standalone.LeakWatchCli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The image definition (Jib in standalone/pom.xml) promises what compose and k8s rely on: the launcher's main
 * class, the two ports, a non-root user, heap from the container limit, native access for the embedded
 * engine, and no build step bound to a phase (building needs a registry).
 */
class JibImageConfigTest {
    private static Element jib;
    private static Document modulePom;
    private static Document rootPom;

    @BeforeAll
    static void load() throws Exception {
        Path root = DeploymentFiles.repositoryRoot();
        modulePom = parse(root.resolve("standalone/pom.xml"));
        rootPom = parse(root.resolve("pom.xml"));
        jib = plugin(modulePom.getDocumentElement(), "jib-maven-plugin");
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static Element plugin(Element scope, String artifactId) {
        NodeList plugins = scope.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (artifactId.equals(text(plugin, "artifactId"))) {
                return plugin;
            }
        }
        throw new AssertionError("no plugin " + artifactId);
    }

    private static String text(Element scope, String tag) {
        NodeList nodes = scope.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    private static List<String> texts(Element scope, String tag) {
        List<String> out = new ArrayList<>();
        NodeList nodes = scope.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            out.add(node.getTextContent().trim());
        }
        return out;
    }

    private static String property(String name) {
        return text(modulePom.getDocumentElement(), name);
    }

    @Test
    void imageRunsTheLauncherOnBothPortsAsANonRootUser() {
        assertThat(text(jib, "mainClass")).isEqualTo(LeakWatchCli.class.getName());
        assertThat(texts(jib, "port")).containsExactlyInAnyOrder("4318", "8080");
        String user = property("leakwatch.image.user");
        assertThat(text(jib, "user")).isEqualTo("${leakwatch.image.user}");
        assertThat(user).matches("[1-9][0-9]*:[1-9][0-9]*");
        assertThat(text(jib, "LEAKWATCH_BIND")).isEqualTo("0.0.0.0");
    }

    @Test
    void jvmRespectsTheContainerLimitAndMayCallTheEmbeddedEngine() {
        assertThat(texts(jib, "jvmFlag")).contains("-XX:MaxRAMPercentage=75", "--enable-native-access=ALL-UNNAMED");
    }

    @Test
    void baseImageIsATemurin25JreNamedByAProperty() {
        assertThat(text(jib, "from")).isEqualTo("${leakwatch.image.base}");
        assertThat(property("leakwatch.image.base")).startsWith("eclipse-temurin:25").contains("jre");
        assertThat(property("leakwatch.image")).startsWith("leakwatch:");
    }

    @Test
    void isBoundToNoPhaseAndItsVersionIsPinnedInTheRootPom() {
        assertThat(jib.getElementsByTagName("executions").getLength()).isZero();
        assertThat(text(jib, "version")).as("the version lives in the root pom").isNull();
        Element managed = plugin((Element) rootPom.getElementsByTagName("pluginManagement").item(0), "jib-maven-plugin");
        assertThat(text(managed, "version")).isEqualTo("3.5.2");
    }
}
