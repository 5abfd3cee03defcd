package io.leakwatch.bench.traces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Records the scenario zoo as test fixtures: each scenario of the manifest runs as a child JVM with the
 * collector agent exporting every second to an in-process OTLP/HTTP receiver, which appends each request
 * (gunzipped protobuf) with its arrival time to {@code <scenario>.otlp.gz} (format: {@link TraceWriter});
 * a label file {@code <scenario>.json} says what the trace is (label, signal, true rate and unit, when the
 * leak starts, the limit it runs into, duration, interval, JVM flags, date).
 *
 * <p>Rates are scaled from the manifest defaults (see {@link #RECORDING_ARGS}) so that growth is clear
 * within a few minutes under {@code -Xmx256m}, and cycles (traffic wave, batch) repeat within the recording.
 *
 * <p>Run after {@code ./mvnw -pl benchmarks -am install -DskipTests}, from the checkout root:
 * <pre>java -cp "$(cat benchmarks/target/classpath.txt)" io.leakwatch.bench.traces.TraceRecorder \
 *   [scenarios=all|a,b,c] [duration=240s] [parallel=10] [out=test-fixtures/src/main/resources/io/leakwatch/testing/traces] \
 *   [agent=collector/target/leakwatch-agent.jar] [workloads=demo-workloads/target/leakwatch-demo-workloads.jar]</pre>
 */
public final class TraceRecorder {
    static final String MANIFEST = "/io/leakwatch/demo/scenarios.json";
    static final List<String> JVM_FLAGS = List.of("-Xmx256m", "-Xms64m", "-XX:MaxMetaspaceSize=128m",
            "-XX:MaxDirectMemorySize=256m", "-XX:+UseG1GC");
    static final long HEAP_LIMIT = 256L << 20;
    static final long DIRECT_LIMIT = 256L << 20;
    static final long METASPACE_LIMIT = 128L << 20;
    static final int MAX_REQUEST_BYTES = TraceWriter.MAX_REQUEST_BYTES;

    /**
     * Arguments that differ from the manifest defaults for a recording of a few minutes: leaks run about
     * four times faster, so the floor moves by tens of MiB; cycles are shortened so a healthy trace shows
     * whole cycles (a traffic wave recorded over half a period would rise all along, like a leak).
     */
    static final Map<String, Map<String, String>> RECORDING_ARGS = Map.ofEntries(
            Map.entry("static-map", Map.of("rate", "256")),
            Map.entry("unique-id-cache", Map.of("rate", "256")),
            Map.entry("listener-registry", Map.of("rate", "256")),
            Map.entry("captured-handler", Map.of("rate", "256")),
            Map.entry("unclosed-streams", Map.of("rate", "2")),
            Map.entry("thread-per-task", Map.of("rate", "1")),
            Map.entry("pooled-threadlocal", Map.of("rate", "256")),
            Map.entry("classloader-redeploy", Map.of("rate", "4")),
            Map.entry("direct-buffers", Map.of("rate", "256")),
            Map.entry("native-deflater", Map.of("rate", "512")),
            Map.entry("pool-error-path", Map.of("rate", "128")),
            Map.entry("slow-leak-big-sawtooth", Map.of("rate", "32")),
            Map.entry("leak-after-deploy", Map.of("rate", "256", "deploy-at", "60s")),
            Map.entry("batch-accumulate-release", Map.of("period", "1m")),
            Map.entry("traffic-wave", Map.of("period", "2m")),
            Map.entry("committed-grows-live-flat", Map.of("limit", "131072")));

    private TraceRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "scenarios", "all", "duration", "240s", "parallel", "10",
                "out", "test-fixtures/src/main/resources/io/leakwatch/testing/traces",
                "agent", "collector/target/leakwatch-agent.jar",
                "workloads", "demo-workloads/target/leakwatch-demo-workloads.jar",
                "java", ProcessHandle.current().info().command().orElse("java")));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || !options.containsKey(arg.substring(0, eq))) {
                throw new IllegalArgumentException("unknown argument " + arg + "; known: " + options.keySet());
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path agent = Path.of(options.get("agent"));
        Path workloads = Path.of(options.get("workloads"));
        for (Path required : List.of(agent, workloads)) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalArgumentException("not found: " + required + " (build collector and demo-workloads first)");
            }
        }
        Path out = Files.createDirectories(Path.of(options.get("out")));
        Duration duration = Duration.ofSeconds(Long.parseLong(options.get("duration").replaceAll("s$", "")));

        ObjectMapper json = new ObjectMapper();
        JsonNode manifest;
        try (InputStream in = TraceRecorder.class.getResourceAsStream(MANIFEST)) {
            if (in == null) {
                throw new IllegalStateException("scenario manifest not on the classpath: " + MANIFEST);
            }
            manifest = json.readTree(in);
        }
        List<String> wanted = options.get("scenarios").equals("all") ? null
                : Arrays.asList(options.get("scenarios").split(","));
        List<JsonNode> chosen = new ArrayList<>();
        for (JsonNode scenario : manifest.get("scenarios")) {
            if (wanted == null || wanted.contains(scenario.get("name").asText())) {
                chosen.add(scenario);
            }
        }
        System.out.printf(Locale.ROOT, "recording %d scenario(s) for %ds each, %s at a time, into %s%n",
                chosen.size(), duration.toSeconds(), options.get("parallel"), out);

        Recording settings = new Recording(Path.of(options.get("java")), agent, workloads, out, duration);
        ExecutorService pool = Executors.newFixedThreadPool(Integer.parseInt(options.get("parallel")));
        List<Future<String>> results = new ArrayList<>();
        for (JsonNode scenario : chosen) {
            results.add(pool.submit(() -> record(settings, scenario, json)));
        }
        pool.shutdown();
        int failures = 0;
        for (Future<String> result : results) {
            try {
                System.out.println(result.get());
            } catch (java.util.concurrent.ExecutionException e) {
                failures++;
                System.out.println("FAILED: " + e.getCause());
            }
        }
        long total = 0;
        try (var files = Files.list(out)) {
            for (Path file : files.toList()) {
                total += Files.size(file);
            }
        }
        System.out.printf(Locale.ROOT, "traces directory now holds %.2f MiB%n", total / 1048576.0);
        System.exit(failures == 0 ? 0 : 1);
    }

    record Recording(Path java, Path agent, Path workloads, Path out, Duration duration) {
    }

    static String record(Recording settings, JsonNode scenario, ObjectMapper json) throws Exception {
        String name = scenario.get("name").asText();
        Map<String, String> scenarioArgs = new LinkedHashMap<>();
        scenario.get("defaultArgs").properties().forEach(e -> scenarioArgs.put(e.getKey(), e.getValue().asText()));
        scenarioArgs.putAll(RECORDING_ARGS.getOrDefault(name, Map.of()));
        String instanceId = name + "-rec";
        String serviceName = "zoo-" + name;

        Path trace = settings.out().resolve(name + ".otlp.gz");
        Path log = Files.createTempFile("leakwatch-rec-" + name, ".log");
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try (TraceWriter writer = new TraceWriter(trace)) {
            receiver.createContext("/", exchange -> {
                long arrival = System.currentTimeMillis();
                try (InputStream body = exchange.getRequestBody()) {
                    boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
                    byte[] bytes = (gzip ? new GZIPInputStream(body) : body).readNBytes(MAX_REQUEST_BYTES + 1);
                    if (exchange.getRequestURI().getPath().endsWith("/v1/metrics") && bytes.length <= MAX_REQUEST_BYTES) {
                        writer.append(arrival, bytes);
                    }
                    // An empty ExportMetricsServiceResponse: full success.
                    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, -1);
                } catch (IOException | RuntimeException e) {
                    exchange.sendResponseHeaders(400, -1);
                } finally {
                    exchange.close();
                }
            });
            receiver.start();
            String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();

            List<String> command = new ArrayList<>();
            command.add(settings.java().toString());
            command.addAll(JVM_FLAGS);
            command.add("-javaagent:" + settings.agent().toAbsolutePath() + "=service.name=" + serviceName
                    + ",service.version=rec,instance.id=" + instanceId + ",interval=1s,jfr.enabled=false,otlp.endpoint="
                    + endpoint);
            command.add("-cp");
            command.add(settings.workloads().toAbsolutePath().toString());
            command.add("io.leakwatch.demo.ScenarioMain");
            command.add("scenario=" + name);
            command.add("duration=" + settings.duration().toSeconds() + "s");
            scenarioArgs.forEach((k, v) -> command.add(k + "=" + v));

            long started = System.currentTimeMillis();
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean exited = child.waitFor(settings.duration().toSeconds() + 60, TimeUnit.SECONDS);
            long ended = System.currentTimeMillis();
            if (!exited || writer.requests() < settings.duration().toSeconds() / 2) {
                // A broken recording must not replace a good trace.
                writer.discard();
                if (!exited) {
                    child.destroyForcibly();
                }
                throw new IllegalStateException(name + ": " + (exited ? "only " + writer.requests()
                        + " requests captured, exit " + child.exitValue() : "child did not exit") + "; log " + log);
            }
            receiver.stop(0);
            writer.close();

            ObjectNode label = json.createObjectNode();
            label.put("scenario", name);
            label.put("label", scenario.get("label").asText());
            label.put("signal", scenario.get("signal").asText());
            ArrayNode alsoMoves = label.putArray("alsoMoves");
            scenario.get("alsoMoves").forEach(alsoMoves::add);
            double manifestRate = scenario.get("expectedRate").asDouble();
            double scale = scenario.get("label").asText().equals("leak")
                    ? Double.parseDouble(scenarioArgs.get("rate")) / Double.parseDouble(scenario.get("defaultArgs").get("rate").asText())
                    : 0;
            label.put("rate", manifestRate * scale);
            label.put("unit", scenario.get("unit").asText());
            label.put("leakStartSeconds", scenario.get("label").asText().equals("leak")
                    ? (scenarioArgs.containsKey("deploy-at") ? Long.parseLong(scenarioArgs.get("deploy-at").replaceAll("s$", "")) : 0)
                    : -1);
            Long limit = limitBytesOrCount(scenario.get("signal").asText());
            if (limit == null) {
                label.putNull("limit");
            } else {
                label.put("limit", limit);
            }
            label.put("processStartMillis", started);
            label.put("processEndMillis", ended);
            label.put("durationSeconds", (ended - started) / 1000);
            label.put("intervalSeconds", 1);
            label.put("requests", writer.requests());
            label.put("rawBytes", writer.rawBytes());
            label.put("serviceName", serviceName);
            label.put("serviceVersion", "rec");
            label.put("instanceId", instanceId);
            ArrayNode flags = label.putArray("jvmFlags");
            JVM_FLAGS.forEach(flags::add);
            ObjectNode argsNode = label.putObject("scenarioArgs");
            scenarioArgs.forEach(argsNode::put);
            label.put("javaVersion", Runtime.version().toString());
            label.put("recordedAt", Instant.ofEpochMilli(started).toString());
            Files.writeString(settings.out().resolve(name + ".json"),
                    json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(label) + "\n");
            Files.deleteIfExists(log);
            return String.format(Locale.ROOT, "%-28s %4d requests, %6.1f KiB raw, %6.1f KiB gz", name,
                    writer.requests(), writer.rawBytes() / 1024.0, Files.size(trace) / 1024.0);
        } finally {
            receiver.stop(0);
        }
    }

    /** The limit the signal runs into under {@link #JVM_FLAGS}, in the signal's base unit, or null. */
    static Long limitBytesOrCount(String signal) {
        return switch (signal) {
            case "heap" -> HEAP_LIMIT;
            case "direct" -> DIRECT_LIMIT;
            case "metaspace" -> METASPACE_LIMIT;
            case "fds" -> ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : null;
            default -> null;
        };
    }
}
