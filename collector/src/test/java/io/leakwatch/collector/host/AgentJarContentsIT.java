package io.leakwatch.collector.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The agent jar must not put a single class or service registration outside io.leakwatch into the host. */
class AgentJarContentsIT {
    @Test
    void everyClassAndServiceEntryLivesUnderIoLeakwatch() throws IOException {
        List<String> leaks = new ArrayList<>();
        try (JarFile jar = new JarFile(HostJvm.agentJar().toFile())) {
            for (JarEntry entry : jar.stream().toList()) {
                String name = entry.getName();
                String path = name.startsWith("META-INF/versions/") ? name.replaceFirst("META-INF/versions/\\d+/", "") : name;
                if (name.endsWith(".class") && !path.startsWith("io/leakwatch/")) {
                    leaks.add(name);
                }
                if (name.startsWith("META-INF/services/") && !entry.isDirectory()) {
                    String service = name.substring("META-INF/services/".length());
                    if (!service.startsWith("io.leakwatch.")) {
                        leaks.add(name);
                    }
                    String body = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                    body.lines().map(l -> l.replaceFirst("#.*", "").trim()).filter(l -> !l.isEmpty())
                            .filter(l -> !l.startsWith("io.leakwatch.")).forEach(l -> leaks.add(name + " -> " + l));
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void manifestNamesTheAgentEntryPointsAndTheJarStaysSmall() throws IOException {
        try (JarFile jar = new JarFile(HostJvm.agentJar().toFile())) {
            var attributes = jar.getManifest().getMainAttributes();
            assertThat(attributes.getValue("Premain-Class")).isEqualTo("io.leakwatch.collector.LeakWatchAgent");
            assertThat(attributes.getValue("Agent-Class")).isEqualTo("io.leakwatch.collector.LeakWatchAgent");
            assertThat(jar.stream().map(JarEntry::getName)).noneMatch(n -> n.endsWith("module-info.class"))
                    .noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)"));
        }
        long size = Files.size(HostJvm.agentJar());
        System.out.println("leakwatch-agent.jar: " + size + " bytes");
        assertThat(size).isLessThan(16L * 1024 * 1024);
    }
}
