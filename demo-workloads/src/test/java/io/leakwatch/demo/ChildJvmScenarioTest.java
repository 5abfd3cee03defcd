package io.leakwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Scenarios that are only honest in a process of their own: native memory shows in the child's RSS
 * (the heap is capped far below the growth), and the jar's classes run on a JDK 17 host.
 */
class ChildJvmScenarioTest {
    private static final Path JDK17_JAVA = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

    @Test
    void nativeDeflaterLeakGrowsRssBeyondACappedHeap() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc (Linux)");
        Process child = start(javaHere(), "-Xmx32m", "-XX:MaxDirectMemorySize=8m", "scenario=native-deflater",
                "rate=20480", "duration=60s", "garbage-mb-per-s=1");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).contains("scenario native-deflater (leak, native)");
            long rssAtStart = rssKib(child.pid());

            await().atMost(Duration.ofSeconds(45)).until(() -> rssKib(child.pid()),
                    rss -> rss >= rssAtStart + 160 * 1024);
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void runsOnAJdk17Host() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(JDK17_JAVA), "JDK 17 not installed here");
        Process list = start(JDK17_JAVA.toString(), "-Xmx64m", "list");
        assertThat(new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("\"classloader-redeploy\"");
        assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(list.exitValue()).isZero();

        Process run = start(JDK17_JAVA.toString(), "-Xmx64m", "scenario=classloader-redeploy", "rate=50",
                "duration=1s", "garbage-mb-per-s=1");
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
    }

    @Test
    void usageErrorExitsTwoInARealProcess() throws Exception {
        Process child = start(javaHere(), "-Xmx32m", "scenario=static-map", "rate=-5");
        String stderr = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(2);
        assertThat(stderr.strip().lines()).singleElement().asString().contains("rate");
    }

    private static String javaHere() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Process start(String java, String... args) throws IOException, URISyntaxException {
        String classpath = Path.of(ScenarioMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        List<String> command = new ArrayList<>(List.of(java));
        List<String> programArgs = new ArrayList<>();
        for (String arg : args) {
            (arg.startsWith("-X") ? command : programArgs).add(arg);
        }
        command.addAll(List.of("-cp", classpath, ScenarioMain.class.getName()));
        command.addAll(programArgs);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
