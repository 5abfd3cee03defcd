package io.leakwatch.standalone;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Entry point of {@code ./leakwatch}: the {@code standalone} and {@code demo} subcommands. */
@Command(name = "leakwatch", mixinStandardHelpOptions = true, version = "LeakWatch 0.1.0",
        description = "Memory-leak observability for JVM fleets.",
        subcommands = {LeakWatchCli.StandaloneCommand.class, LeakWatchCli.DemoCommand.class,
                LeakWatchCli.IngestCommand.class, LeakWatchCli.QueryApiCommand.class, CommandLine.HelpCommand.class})
public final class LeakWatchCli {

    /** The demo must show its leaks within minutes, not after the production default of an hour. */
    static final Duration DEMO_ANALYSIS_MIN_WINDOW = Duration.ofMinutes(10);

    public static void main(String[] args) {
        int exit;
        try {
            CommandLine commandLine = new CommandLine(new LeakWatchCli())
                    .setDefaultValueProvider(LayeredDefaults.from(args, System.getenv()))
                    .setExecutionExceptionHandler((e, cmd, parsed) -> {
                        cmd.getErr().println("leakwatch: " + e.getMessage());
                        return 1;
                    });
            exit = commandLine.execute(args);
        } catch (IllegalArgumentException e) {
            System.err.println("leakwatch: " + e.getMessage());
            exit = 2;
        }
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Runs until Ctrl-C, then stops what it started. */
    private static void runUntilStopped(AutoCloseable... parts) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("leakwatch: stopping ...");
            for (AutoCloseable part : parts) {
                try {
                    part.close();
                } catch (Exception e) {
                    System.err.println("leakwatch: while stopping: " + e.getMessage());
                }
            }
            stopped.countDown();
        }, "leakwatch-shutdown"));
        stopped.await();
    }

    @Command(name = "standalone", mixinStandardHelpOptions = true,
            description = "Ingest + query API + web UI + embedded ClickHouse in one JVM.")
    static final class StandaloneCommand implements Callable<Integer> {
        @Mixin
        StandaloneOptions options;

        @Override
        public Integer call() throws Exception {
            Standalone standalone = Standalone.start(options.toConfig(), System.out);
            runUntilStopped(standalone);
            return 0;
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "LeakWatch standalone plus a demo fleet of JVMs (one leaks on purpose) with the agent attached.")
    static final class DemoCommand implements Callable<Integer> {
        @Mixin
        StandaloneOptions options;

        @Option(names = "--agent-jar", paramLabel = "FILE", defaultValue = "collector/target/leakwatch-agent.jar",
                description = "The collector agent attached to the demo JVMs. Default: ${DEFAULT-VALUE}.")
        Path agentJar;

        @Option(names = "--leak-kb-per-s", paramLabel = "N", defaultValue = "128",
                description = "How fast the leaking demo service leaks. Default: ${DEFAULT-VALUE} KB/s.")
        int leakKbPerSecond;

        @Override
        public Integer call() throws Exception {
            if (leakKbPerSecond < 0) {
                throw new IllegalArgumentException("--leak-kb-per-s must be >= 0");
            }
            StandaloneConfig config = options.toConfig(DEMO_ANALYSIS_MIN_WINDOW);
            Standalone standalone = Standalone.start(config, System.out);
            DemoFleet fleet;
            try {
                fleet = DemoFleet.start(DemoFleet.defaultFleet(leakKbPerSecond), agentJar, standalone.otlpPort(),
                        config.dataDir().resolve("demo-logs"));
            } catch (Exception e) {
                standalone.close();
                throw e;
            }
            System.out.printf("leakwatch: demo fleet started (%d JVMs, logs in %s); the first points arrive "
                            + "within ~10 s, leak verdicts after about %d minutes (--analysis-min-window)%n",
                    fleet.size(), config.dataDir().resolve("demo-logs"),
                    config.analysisMinWindow().toMinutes() + config.analysisMinWindow().toMinutes() / 6 + 1);
            runUntilStopped(fleet, standalone);
            return 0;
        }
    }

    /** A scaled-out service needs a shared ClickHouse server: the embedded engine is one process's. */
    private static StandaloneConfig serviceConfig(StandaloneOptions options, String service) {
        StandaloneConfig config = options.toConfig();
        if (config.embedded()) {
            throw new IllegalArgumentException(service + " runs against a ClickHouse server: give --clickhouse-url "
                    + "(or LEAKWATCH_CLICKHOUSE_URL); for one machine use 'leakwatch standalone'");
        }
        return config;
    }

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "The ingest service alone (OTLP/HTTP and the Kafka consumer group), against a ClickHouse server.")
    static final class IngestCommand implements Callable<Integer> {
        @Mixin
        StandaloneOptions options;

        @Override
        public Integer call() throws Exception {
            StandaloneConfig config = serviceConfig(options, "ingest");
            runUntilStopped(Standalone.start(config, EnumSet.of(Standalone.Role.INGEST), System.out));
            return 0;
        }
    }

    @Command(name = "query-api", mixinStandardHelpOptions = true,
            description = "The query API and web UI alone, against a ClickHouse server.")
    static final class QueryApiCommand implements Callable<Integer> {
        @Mixin
        StandaloneOptions options;

        @Override
        public Integer call() throws Exception {
            StandaloneConfig config = serviceConfig(options, "query-api");
            runUntilStopped(Standalone.start(config, EnumSet.of(Standalone.Role.QUERY_API), System.out));
            return 0;
        }
    }
}
