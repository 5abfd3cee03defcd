package io.leakwatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one configuration of LeakWatch's local Kafka broker: a single KRaft node that is broker and controller at
 * once, listening on 127.0.0.1 only, with replication factors of 1 and its data under {@code stateDir}. Both
 * {@code scripts/kafka-local} and {@link KafkaBroker} start the broker through {@link KafkaBrokerMain}, which
 * writes these settings to {@code server.properties}, so the two cannot drift apart.
 *
 * @param stateDir       directory holding {@code server.properties}, the log dirs, the pid and the ready marker
 * @param port           PLAINTEXT listener for clients
 * @param controllerPort CONTROLLER listener for the KRaft quorum (this node alone)
 */
public record KafkaBrokerSettings(Path stateDir, int port, int controllerPort) {

    /** Name of the file, in the state dir, that the broker writes once an admin client sees it serving. */
    public static final String READY_FILE = "ready";

    public KafkaBrokerSettings {
        stateDir = stateDir.toAbsolutePath();
        checkPort("port", port);
        checkPort("controllerPort", controllerPort);
        if (port == controllerPort) {
            throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
        }
    }

    /** {@code 127.0.0.1:port}, what clients put in {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path propertiesFile() {
        return stateDir.resolve("server.properties");
    }

    public Path readyFile() {
        return stateDir.resolve(READY_FILE);
    }

    public Path logDir() {
        return stateDir.resolve("data");
    }

    /** The broker's configuration, in the order it is written. */
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir().toString());

        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "3");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        // Fewer internal partitions than the production default of 50: the first consumer group is ready sooner.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Tests join a group and expect records at once, not after the default 3 s of waiting for more members.
        p.put("group.initial.rebalance.delay.ms", "0");

        // A small machine runs this next to the tests: few threads, and a cleaner buffer that fits a 512 MB heap.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    /** Writes {@link #properties()} to {@link #propertiesFile()}, creating the state dir if needed. */
    public Path writePropertiesFile() throws IOException {
        Files.createDirectories(stateDir);
        String text = properties().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "# Written by LeakWatch's KafkaBrokerMain; rewritten on each start.\n", "\n"));
        Files.writeString(propertiesFile(), text);
        return propertiesFile();
    }

    private static void checkPort(String name, int value) {
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException(name + " must be 1..65535, got " + value);
        }
    }
}
