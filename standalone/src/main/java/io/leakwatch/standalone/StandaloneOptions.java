package io.leakwatch.standalone;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options shared by {@code standalone} and {@code demo}; defaults come in layers, see {@link LayeredDefaults}. */
final class StandaloneOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with defaults for any option (key = option name without --). Env: LEAKWATCH_CONFIG.")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
            description = "Where the embedded store lives; one LeakWatch process per directory. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 to accept collectors from other hosts. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Query API (/api/v1) and web UI (/). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--otlp-port", paramLabel = "PORT", defaultValue = "4318",
            description = "OTLP/HTTP receiver (POST /v1/metrics). Default: ${DEFAULT-VALUE}.")
    int otlpPort;

    @Option(names = "--clickhouse-http-port", paramLabel = "PORT", defaultValue = "0",
            description = "Serve the embedded store over ClickHouse's HTTP interface on this port "
                    + "(e.g. 8123, for clickhouse-client, DBeaver or Grafana). Default: off.")
    int clickhouseHttpPort;

    @Option(names = "--kafka-bootstrap-servers", paramLabel = "HOST:PORT,...", defaultValue = "",
            description = "Also consume the topic leakwatch.metrics from this Kafka. Default: no Kafka.")
    String kafkaBootstrapServers;

    @Option(names = "--kafka-topic", paramLabel = "TOPIC", defaultValue = "leakwatch.metrics",
            description = "Topic the collectors write OTLP metrics to. Default: ${DEFAULT-VALUE}.")
    String kafkaTopic;

    @Option(names = "--kafka-group-id", paramLabel = "ID", defaultValue = "leakwatch-ingest",
            description = "Consumer group of the Kafka consumer. Default: ${DEFAULT-VALUE}.")
    String kafkaGroupId;

    @Option(names = "--chdb-lib", paramLabel = "FILE",
            description = "The embedded engine (libchdb.so). Default: the cache filled by ./leakwatch fetch-engine.")
    Path chdbLibrary;

    @Option(names = "--clickhouse-url", paramLabel = "URL", defaultValue = "",
            description = "Use this ClickHouse server (HTTP) instead of the embedded engine.")
    String clickhouseUrl;

    @Option(names = "--clickhouse-user", paramLabel = "USER", defaultValue = "default",
            description = "User for --clickhouse-url. Default: ${DEFAULT-VALUE}.")
    String clickhouseUser;

    @Option(names = "--clickhouse-password", paramLabel = "SECRET", defaultValue = "", arity = "0..1",
            description = "Password for --clickhouse-url; prefer the env variable LEAKWATCH_CLICKHOUSE_PASSWORD.")
    String clickhousePassword;

    @Option(names = "--clickhouse-database", paramLabel = "NAME", defaultValue = "default",
            description = "Database for --clickhouse-url. Default: ${DEFAULT-VALUE}.")
    String clickhouseDatabase;

    @Option(names = "--analysis-min-window", paramLabel = "DURATION", defaultValue = "",
            description = "Shortest growth the leak analysis judges, e.g. 60m; shorter compresses every rule's time "
                    + "scale (at least 5m). Default: 60m, and 10m for the demo so its leaks show within minutes.")
    String analysisMinWindow;

    @Option(names = "--clickhouse-cluster", paramLabel = "NAME", defaultValue = "",
            description = "ClickHouse cluster of --clickhouse-url: replicated tables, Distributed tables sharded by "
                    + "instance, migrations ON CLUSTER. Default: a single server.")
    String clickhouseCluster;

    @Option(names = "--self-metrics-endpoint", paramLabel = "URL|off", defaultValue = "",
            description = "Where ingest's own metrics go over OTLP/HTTP (records, rows, lag, dead letters). "
                    + "Default: this process's own receiver, so LeakWatch appears in its fleet; 'off' for none.")
    String selfMetricsEndpoint;

    @Option(names = "--allow-unauthenticated", defaultValue = "false",
            description = "Serve the API on a non-loopback --bind without tokens (LEAKWATCH_API_TOKENS, "
                    + "LEAKWATCH_ADMIN_TOKENS). Default: refuse.")
    boolean allowUnauthenticated;

    StandaloneConfig toConfig() {
        return toConfig(Duration.ofMinutes(60));
    }

    StandaloneConfig toConfig(Duration defaultAnalysisMinWindow) {
        requirePort("--http-port", httpPort, false);
        requirePort("--otlp-port", otlpPort, false);
        requirePort("--clickhouse-http-port", clickhouseHttpPort, true);
        Duration minWindow = analysisMinWindow.isBlank() ? defaultAnalysisMinWindow : minutes(analysisMinWindow);
        return new StandaloneConfig(dataDir, bind, httpPort, otlpPort, clickhouseHttpPort,
                kafkaBootstrapServers.trim(), kafkaTopic, kafkaGroupId, chdbLibrary, clickhouseUrl.trim(), clickhouseUser,
                clickhousePassword, clickhouseDatabase, minWindow, allowUnauthenticated,
                clickhouseCluster.trim(), selfMetricsEndpoint.trim());
    }

    private static Duration minutes(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,5})([mh])").matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--analysis-min-window must look like 10m or 1h, got '" + text + "'");
        }
        Duration d = m.group(2).equals("h") ? Duration.ofHours(Long.parseLong(m.group(1)))
                : Duration.ofMinutes(Long.parseLong(m.group(1)));
        if (d.toMinutes() < 5 || d.toHours() > 24) {
            throw new IllegalArgumentException("--analysis-min-window must be between 5m and 24h, got " + text);
        }
        return d;
    }

    private static void requirePort(String option, int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(option + " must be a TCP port (1-65535), got " + port);
        }
    }
}
