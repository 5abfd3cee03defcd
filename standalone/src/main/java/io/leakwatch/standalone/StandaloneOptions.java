package io.leakwatch.standalone;

import java.nio.file.Path;
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

    StandaloneConfig toConfig() {
        requirePort("--http-port", httpPort, false);
        requirePort("--otlp-port", otlpPort, false);
        requirePort("--clickhouse-http-port", clickhouseHttpPort, true);
        return new StandaloneConfig(dataDir, bind, httpPort, otlpPort, clickhouseHttpPort,
                kafkaBootstrapServers.trim(), kafkaTopic, kafkaGroupId, chdbLibrary, clickhouseUrl.trim(), clickhouseUser,
                clickhousePassword, clickhouseDatabase);
    }

    private static void requirePort(String option, int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException(option + " must be a TCP port (1-65535), got " + port);
        }
    }
}
