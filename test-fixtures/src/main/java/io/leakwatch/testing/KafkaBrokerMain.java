package io.leakwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * Entry point of the broker's own JVM: writes {@code server.properties} from {@link KafkaBrokerSettings}, formats
 * the KRaft storage once (keeping the cluster id in the state dir), then runs {@code kafka.Kafka} until it is
 * stopped. Once an admin client sees the node serving, it writes {@link KafkaBrokerSettings#READY_FILE} with the
 * bootstrap servers; the script and {@link KafkaBroker} wait for that file rather than guessing with sleeps.
 *
 * <p>Usage: {@code KafkaBrokerMain STATE_DIR PORT CONTROLLER_PORT [--exit-on-stdin-eof]}; a port of 0 picks a
 * free one. With the flag, the
 * broker stops when its standard input closes, so a test JVM that dies without running its shutdown hooks does
 * not leave an orphaned broker behind.
 *
 * <p>Runs only with the broker's classpath ({@code kafka-broker.classpath}); no test JVM loads this class.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: KafkaBrokerMain STATE_DIR PORT CONTROLLER_PORT [--exit-on-stdin-eof]");
            System.exit(2);
        }
        KafkaBrokerSettings settings = new KafkaBrokerSettings(
                Path.of(args[0]), portOrFree(args[1]), portOrFree(args[2]));
        configureLogging();
        boolean exitOnStdinEof = args.length > 3 && args[3].equals("--exit-on-stdin-eof");

        Files.deleteIfExists(settings.readyFile());
        Path properties = settings.writePropertiesFile();
        int formatted = kafka.tools.StorageTool.execute(new String[] {
                "format", "--config", properties.toString(), "--cluster-id", clusterId(settings.stateDir()),
                "--ignore-formatted"}, System.out);
        if (formatted != 0) {
            System.err.println("kafka storage format failed with status " + formatted);
            System.exit(formatted);
        }
        if (exitOnStdinEof) {
            daemon("leakwatch-kafka-parent-watch", () -> exitWhenStdinCloses(System.in));
        }
        daemon("leakwatch-kafka-ready-probe", () -> announceReadiness(settings));
        kafka.Kafka.main(new String[] {properties.toString()});
    }

    /**
     * INFO for the broker (start-up, shutdown, errors), WARN for request, state-change and client chatter. Set
     * before anything touches SLF4J, which reads them once; a {@code -D} on the command line still wins.
     */
    private static void configureLogging() {
        Map<String, String> defaults = Map.of(
                "org.slf4j.simpleLogger.defaultLogLevel", "info",
                "org.slf4j.simpleLogger.showDateTime", "true",
                "org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSS",
                "org.slf4j.simpleLogger.log.state.change.logger", "warn",
                "org.slf4j.simpleLogger.log.kafka.request.logger", "warn",
                "org.slf4j.simpleLogger.log.org.apache.kafka.clients", "warn",
                "org.slf4j.simpleLogger.log.org.apache.kafka.common.utils.internals.AppInfoParser", "warn",
                // The full config dump (hundreds of lines per start); server.properties is next to the log.
                "org.slf4j.simpleLogger.log.org.apache.kafka.common.config.AbstractConfig", "warn");
        defaults.forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }

    /** Port 0 means any free loopback port; the ready marker tells which one the broker got. */
    private static int portOrFree(String arg) {
        int port = Integer.parseInt(arg);
        return port == 0 ? FreePorts.pick() : port;
    }

    private static String clusterId(Path stateDir) throws IOException {
        Path file = stateDir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id + "\n");
        return id;
    }

    /** Polls describeCluster until this node answers as a broker, then publishes the ready marker atomically. */
    private static void announceReadiness(KafkaBrokerSettings settings) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        try {
            awaitListening(settings.port());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try (Admin admin = Admin.create(config)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        break;
                    }
                } catch (Exception notYet) {
                    // The broker is still starting; the admin client already backs off between attempts.
                }
                Thread.sleep(100);
            }
            Path tmp = settings.stateDir().resolve(KafkaBrokerSettings.READY_FILE + ".tmp");
            Files.writeString(tmp, settings.bootstrapServers() + "\n");
            Files.move(tmp, settings.readyFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("LeakWatch: Kafka broker ready at " + settings.bootstrapServers());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("LeakWatch: could not write the ready marker: " + e);
        }
    }

    /** Plain TCP polling first: an admin client would log a warning for every refused connection. */
    private static void awaitListening(int port) throws InterruptedException {
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
    }

    private static void exitWhenStdinCloses(InputStream in) {
        try {
            while (in.read() >= 0) {
                // Nothing is ever sent; only the end of the stream matters.
            }
        } catch (IOException ignored) {
            // A broken pipe means the parent is gone, same as end of stream.
        }
        System.out.println("LeakWatch: parent process is gone, stopping the Kafka broker");
        // System.exit runs Kafka's own shutdown hook, which shuts the server down cleanly.
        System.exit(0);
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
