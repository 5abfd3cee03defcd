package io.leakwatch.standalone;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the standalone process needs, read once at start-up (see {@link StandaloneOptions}).
 *
 * @param dataDir              where the embedded store keeps its data (one process per directory)
 * @param bind                 address the HTTP listeners bind to
 * @param httpPort             query API and web UI
 * @param otlpPort             OTLP/HTTP receiver
 * @param clickhouseHttpPort   serve the embedded store over ClickHouse's HTTP interface here; 0 = off
 * @param kafkaBootstrapServers Kafka to consume from; empty = no Kafka consumer
 * @param kafkaTopic           topic the collectors write OTLP metrics to
 * @param kafkaGroupId         consumer group of the ingest consumer
 * @param chdbLibrary          libchdb.so; null = the cache the set-up step fills
 * @param clickhouseUrl        a ClickHouse server to use instead of the embedded engine; empty = embedded
 * @param clickhouseUser       user for {@code clickhouseUrl}
 * @param clickhousePassword   password for {@code clickhouseUrl}; never logged
 * @param clickhouseDatabase   database for {@code clickhouseUrl}
 * @param analysisMinWindow    the leak analysis' minimum window; shorter than 60m compresses its time scale
 * @param allowUnauthenticated serve the API beyond loopback without tokens
 * @param clickhouseCluster    cluster name for {@code clickhouseUrl}: replicated local tables plus
 *                             Distributed tables, migrations ON CLUSTER; empty = a single server
 * @param selfMetricsEndpoint  OTLP/HTTP URL for ingest's own metrics; empty = this process's receiver, "off" = none
 */
record StandaloneConfig(
        Path dataDir,
        String bind,
        int httpPort,
        int otlpPort,
        int clickhouseHttpPort,
        String kafkaBootstrapServers,
        String kafkaTopic,
        String kafkaGroupId,
        Path chdbLibrary,
        String clickhouseUrl,
        String clickhouseUser,
        String clickhousePassword,
        String clickhouseDatabase,
        Duration analysisMinWindow,
        boolean allowUnauthenticated,
        String clickhouseCluster,
        String selfMetricsEndpoint) {

    boolean embedded() {
        return clickhouseUrl == null || clickhouseUrl.isBlank();
    }

    boolean kafkaEnabled() {
        return kafkaBootstrapServers != null && !kafkaBootstrapServers.isBlank();
    }

    @Override
    public String toString() {
        // The record's default toString would print the password.
        return "StandaloneConfig[dataDir=" + dataDir + ", bind=" + bind + ", httpPort=" + httpPort
                + ", otlpPort=" + otlpPort + ", clickhouseHttpPort=" + clickhouseHttpPort
                + ", kafka=" + (kafkaEnabled() ? kafkaBootstrapServers : "off")
                + ", store=" + (embedded() ? "embedded" : clickhouseUrl)
                + (clickhouseCluster == null || clickhouseCluster.isBlank() ? "" : " cluster " + clickhouseCluster) + "]";
    }
}
