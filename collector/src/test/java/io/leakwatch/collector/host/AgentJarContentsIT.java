package io.leakwatch.collector.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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

    /**
     * What a secured broker needs survives shading: the SASL login modules and callback handlers and the SSL
     * engine factory load from the jar under their relocated names, and a {@code sasl.jaas.config} written with
     * Kafka's usual class names is rewritten to those, so the login module it names loads too.
     */
    @Test
    void kafkaSaslAndSslClassesAreInTheJarAndAJaasConfigIsRelocatedToThem() throws Exception {
        String shaded = "io.leakwatch.agent.shaded.org.apache.kafka.";
        try (URLClassLoader jar = new URLClassLoader(new URL[] {HostJvm.agentJar().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String name : List.of("common.security.plain.PlainLoginModule",
                    "common.security.scram.ScramLoginModule",
                    "common.security.oauthbearer.OAuthBearerLoginModule",
                    "common.security.authenticator.SaslClientCallbackHandler",
                    "common.security.authenticator.SaslClientAuthenticator",
                    "common.security.ssl.DefaultSslEngineFactory",
                    "common.network.SaslChannelBuilder",
                    "common.network.SslChannelBuilder")) {
                Class<?> type = Class.forName(shaded + name, false, jar);
                assertThat(type.getDeclaredConstructors()).as(name).isNotEmpty();
            }

            String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";";
            Class<?> security = Class.forName("io.leakwatch.collector.export.KafkaClientSecurity", true, jar);
            String relocated = (String) security.getMethod("relocated", String.class).invoke(null, jaas);
            assertThat(relocated).startsWith(shaded + "common.security.plain.PlainLoginModule required");
            assertThat(security.getMethod("relocated", String.class).invoke(null, relocated)).as("idempotent")
                    .isEqualTo(relocated);
            Class.forName(relocated.substring(0, relocated.indexOf(' ')), false, jar);

            Properties producer = new Properties();
            security.getMethod("apply", Properties.class, Map.class).invoke(null, producer,
                    Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config", jaas,
                            "ssl.truststore.type", "PKCS12"));
            assertThat(producer).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                    .containsEntry("sasl.jaas.config", relocated).containsEntry("ssl.truststore.type", "PKCS12");
        }
    }
}
