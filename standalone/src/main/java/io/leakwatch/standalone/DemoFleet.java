package io.leakwatch.standalone;

import io.leakwatch.demo.ScenarioMain;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the demo fleet: child JVMs of {@link ScenarioMain} with the collector agent attached, sending
 * OTLP/HTTP to this standalone. {@link #close()} stops every child it started.
 */
final class DemoFleet implements AutoCloseable {

    /** One demo process: its identity and the scenario it runs (see {@code ScenarioMain list}). */
    record Member(String service, String version, String instanceId, List<String> scenarioArgs) {
    }

    /**
     * The default fleet: {@code checkout} 1.4.2 healthy and 1.5.0 leaking into a static map (the bad
     * deploy), {@code search} leaking class loaders on redeploy, and a healthy {@code gateway} whose
     * traffic rises and falls.
     */
    static List<Member> defaultFleet(int leakKbPerSecond) {
        List<String> leaking = List.of("scenario=static-map", "rate=" + leakKbPerSecond);
        List<String> healthyCache = List.of("scenario=bounded-lru-cache");
        return List.of(
                new Member("checkout", "1.4.2", "checkout-1", healthyCache),
                new Member("checkout", "1.4.2", "checkout-2", healthyCache),
                new Member("checkout", "1.5.0", "checkout-3", leaking),
                new Member("checkout", "1.5.0", "checkout-4", leaking),
                new Member("search", "3.2.0", "search-1", List.of("scenario=classloader-redeploy", "rate=5")),
                new Member("gateway", "2.1.0", "gateway-1", List.of("scenario=traffic-wave")));
    }

    private final List<Process> processes = new ArrayList<>();
    private final Path agentJar;
    private final int otlpPort;
    private final Path logDir;
    private volatile boolean closing;

    private DemoFleet(Path agentJar, int otlpPort, Path logDir) {
        this.agentJar = agentJar;
        this.otlpPort = otlpPort;
        this.logDir = logDir;
    }

    static DemoFleet start(List<Member> members, Path agentJar, int otlpPort, Path logDir) throws IOException {
        if (!Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("agent jar not found: " + agentJar
                    + " (build it with ./leakwatch build, or pass --agent-jar)");
        }
        Files.createDirectories(logDir);
        DemoFleet fleet = new DemoFleet(agentJar, otlpPort, logDir);
        try {
            for (Member member : members) {
                fleet.startMember(member);
            }
        } catch (IOException | RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    /** Starts a member and, like a pod's restart policy, starts it again when it dies (e.g. out of memory). */
    private synchronized void startMember(Member member) throws IOException {
        if (closing) {
            return;
        }
        Process process = launch(member, agentJar, otlpPort, logDir);
        processes.add(process);
        process.onExit().thenAccept(exited -> restart(member, exited));
    }

    private void restart(Member member, Process exited) {
        synchronized (this) {
            processes.remove(exited);
        }
        if (closing) {
            return;
        }
        System.out.printf("leakwatch: demo %s exited with code %d; restarting it (see %s)%n",
                member.instanceId(), exited.exitValue(), logDir.resolve(member.instanceId() + ".log"));
        try {
            startMember(member);
        } catch (IOException e) {
            System.err.println("leakwatch: cannot restart demo " + member.instanceId() + ": " + e.getMessage());
        }
    }

    private static Process launch(Member member, Path agentJar, int otlpPort, Path logDir) throws IOException {
        String agentArgs = String.join(",",
                "service.name=" + member.service(),
                "service.version=" + member.version(),
                "instance.id=" + member.instanceId(),
                "environment=demo",
                "interval=5s",
                "otlp.endpoint=http://127.0.0.1:" + otlpPort);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "-javaagent:" + agentJar.toAbsolutePath() + "=" + agentArgs,
                "-cp", demoClasspath(),
                ScenarioMain.class.getName()));
        command.addAll(member.scenarioArgs());
        Path log = logDir.resolve(member.instanceId() + ".log");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private static String demoClasspath() {
        try {
            return Path.of(ScenarioMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the demo workloads jar", e);
        }
    }

    synchronized int size() {
        return processes.size();
    }

    synchronized List<ProcessHandle> handles() {
        return processes.stream().map(Process::toHandle).toList();
    }

    @Override
    public void close() {
        closing = true;
        List<Process> running;
        synchronized (this) {
            running = List.copyOf(processes);
            processes.clear();
        }
        for (Process process : running) {
            process.destroy();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Process process : running) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
