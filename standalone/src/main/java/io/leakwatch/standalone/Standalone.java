package io.leakwatch.standalone;

import io.leakwatch.analysis.InstanceAnalysis;
import io.leakwatch.ingest.Ingest;
import io.leakwatch.ingest.DecodeLimits;
import io.leakwatch.ingest.IngestConfig;
import io.leakwatch.ingest.IngestTelemetry;
import io.leakwatch.queryapi.AnalysisService;
import io.leakwatch.queryapi.ApiTokens;
import io.leakwatch.queryapi.alerts.AlertScheduler;
import io.leakwatch.queryapi.alerts.AlertingConfig;
import io.leakwatch.queryapi.alerts.AlertingService;
import io.leakwatch.queryapi.alerts.AnalysisFindings;
import io.leakwatch.queryapi.alerts.JfrSuspectAttribution;
import io.leakwatch.queryapi.QueryApiConfig;
import io.leakwatch.queryapi.QueryApiRouter;
import io.leakwatch.store.ChdbLibrary;
import io.leakwatch.store.Store;
import io.leakwatch.store.StoreConfig;
import io.leakwatch.store.alerts.ClickHouseAlertStore;
import io.leakwatch.store.engine.ChdbEngine;
import io.leakwatch.store.http.EmbeddedHttpInterface;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place that wires LeakWatch's services: the store (embedded unless a server URL is given),
 * ingest (OTLP/HTTP, and Kafka when configured), the query API with the web UI, and optionally the
 * embedded store's ClickHouse HTTP interface. The standalone process runs both roles; a scaled-out
 * deployment runs one role per process against a ClickHouse server. {@link #close()} stops them in reverse order and is
 * idempotent.
 */
final class Standalone implements AutoCloseable {
    private static final Duration READINESS_PERIOD = Duration.ofSeconds(5);
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final Duration PRODUCTION_MIN_WINDOW = Duration.ofMinutes(60);

    private final Vertx vertx;
    private final Store store;
    private final Ingest ingest;
    private final HttpServer api;
    private final EmbeddedHttpInterface clickhouseHttp;
    private final AlertingService alerting;
    private final AlertScheduler scheduler;
    private final SelfTelemetry selfTelemetry;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Standalone(Vertx vertx, Store store, Ingest ingest, HttpServer api, EmbeddedHttpInterface clickhouseHttp,
                       AlertingService alerting, AlertScheduler scheduler, SelfTelemetry selfTelemetry) {
        this.vertx = vertx;
        this.store = store;
        this.ingest = ingest;
        this.api = api;
        this.clickhouseHttp = clickhouseHttp;
        this.alerting = alerting;
        this.scheduler = scheduler;
        this.selfTelemetry = selfTelemetry;
    }

    /** Which services this process runs: both (standalone), or one of them (a scaled-out replica). */
    enum Role { INGEST, QUERY_API }

    /** Starts ingest and the query API (the standalone process). */
    static Standalone start(StandaloneConfig config, PrintStream out) throws Exception {
        return start(config, EnumSet.allOf(Role.class), out);
    }

    /** Starts the given roles; on any failure stops what was started and throws with a one-line reason. */
    static Standalone start(StandaloneConfig config, Set<Role> roles, PrintStream out) throws Exception {
        long began = System.nanoTime();
        out.println("leakwatch: starting " + roles + " (" + config + ")");
        Store store = openStore(config, out);
        Vertx vertx = Vertx.vertx();
        Ingest ingest = null;
        HttpServer api = null;
        EmbeddedHttpInterface clickhouseHttp = null;
        AlertingService alerting = null;
        AlertScheduler scheduler = null;
        SelfTelemetry selfTelemetry = null;
        Map<String, String> env = System.getenv();
        try {
            // Readiness is probed off the event loop and cached: the health handlers must not block.
            AtomicBoolean storeReady = new AtomicBoolean(store.ready());
            vertx.setPeriodic(READINESS_PERIOD.toMillis(), id -> vertx.executeBlocking(store::ready, false)
                    .onComplete(result -> storeReady.set(result.succeeded() && result.result())));

            if (roles.contains(Role.INGEST)) {
                // Points the store's TTL would delete anyway are refused as such, not silently dropped.
                IngestConfig ingestConfig = IngestConfig.defaults()
                        .withHttp(IngestConfig.HttpConfig.defaults().withListen(config.bind(), config.otlpPort()))
                        .withLimits(DecodeLimits.defaults()
                                .withRetention(Duration.ofDays(StoreConfig.DEFAULT_TTL_DAYS)));
                if (config.kafkaEnabled()) {
                    ingestConfig = ingestConfig.withKafka(IngestConfig.KafkaConfig.of(config.kafkaBootstrapServers())
                            .withTopics(config.kafkaTopic(),
                                    IngestConfig.KafkaConfig.DEFAULT_DLQ_TOPIC, config.kafkaGroupId()));
                }
                ingestConfig = ingestConfig.withEnv(env); // batching settings, a bad value named and refused
                selfTelemetry = SelfTelemetry.exportingTo(selfMetricsEndpoint(config));
                ingest = Ingest.start(vertx, ingestConfig, store.writer(), storeReady::get,
                                store.jfrWriter()::write, null, IngestTelemetry.create(selfTelemetry.provider()))
                        .await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }

            if (roles.contains(Role.QUERY_API)) {
                QueryApiConfig apiConfig = QueryApiConfig.defaults().withHost(config.bind()).withPort(config.httpPort())
                        .withTokens(ApiTokens.fromEnv(env));
                requireAuthOffLoopback(config, apiConfig);
                Clock clock = Clock.systemUTC();
                AnalysisService analysis = analysisService(store, config, clock);
                alerting = new AlertingService(new ClickHouseAlertStore(store.engine()), AlertingConfig.fromEnv(env), clock);
                alerting.initialise();
                scheduler = new AlertScheduler(alerting, new AnalysisFindings(analysis, alerting.links(),
                        new JfrSuspectAttribution(store.jfrQueries()), clock), clock).start();
                api = vertx.createHttpServer(new HttpServerOptions().setHost(config.bind()).setPort(config.httpPort()))
                        .requestHandler(QueryApiRouter.create(vertx, apiConfig, store.queries(), store.signals(),
                                analysis, alerting, store.jfrQueries(), storeReady::get, clock))
                        .listen()
                        .await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }

            if (config.clickhouseHttpPort() > 0) {
                if (!(store.engine() instanceof ChdbEngine chdb)) {
                    throw new IllegalArgumentException("--clickhouse-http-port serves the embedded store; "
                            + "with --clickhouse-url, query that server directly");
                }
                clickhouseHttp = EmbeddedHttpInterface.start(vertx, chdb, config.clickhouseHttpPort());
                out.println("leakwatch: ClickHouse HTTP interface on http://127.0.0.1:" + clickhouseHttp.port());
            }
        } catch (Exception e) {
            new Standalone(vertx, store, ingest, api, clickhouseHttp, alerting, scheduler, selfTelemetry).close();
            throw e;
        }
        Standalone standalone = new Standalone(vertx, store, ingest, api, clickhouseHttp, alerting, scheduler, selfTelemetry);
        StringBuilder ready = new StringBuilder("leakwatch: ready in ")
                .append(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)).append(" ms");
        if (ingest != null) {
            ready.append(": OTLP/HTTP on ").append(config.bind()).append(':').append(standalone.otlpPort());
        }
        if (api != null) {
            ready.append(ingest != null ? ", " : ": ").append("UI and API on http://")
                    .append(displayHost(config.bind())).append(':').append(standalone.httpPort()).append('/');
        }
        out.println(ready);
        return standalone;
    }

    private static Store openStore(StandaloneConfig config, PrintStream out) throws Exception {
        if (!config.embedded()) {
            out.println("leakwatch: store: ClickHouse server at " + config.clickhouseUrl());
            StoreConfig server = StoreConfig.server(config.clickhouseUrl(), config.clickhouseUser(),
                    config.clickhousePassword(), config.clickhouseDatabase());
            return Store.open(config.clickhouseCluster().isBlank() ? server : server.withCluster(config.clickhouseCluster()));
        }
        Path library = config.chdbLibrary() != null ? config.chdbLibrary() : ChdbLibrary.locate();
        Path dataDir = config.dataDir().toAbsolutePath();
        Files.createDirectories(dataDir);
        out.println("leakwatch: store: embedded ClickHouse (chDB " + ChdbLibrary.VERSION + ") in " + dataDir);
        return Store.open(StoreConfig.embedded(dataDir, library));
    }

    /** The configured URL, else this process's own OTLP receiver (when its port is known up front). */
    private static URI selfMetricsEndpoint(StandaloneConfig config) {
        String configured = config.selfMetricsEndpoint();
        if (configured.equalsIgnoreCase("off") || (configured.isBlank() && config.otlpPort() == 0)) {
            return null;
        }
        if (configured.isBlank()) {
            return URI.create("http://127.0.0.1:" + config.otlpPort() + "/v1/metrics");
        }
        URI uri = URI.create(configured);
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--self-metrics-endpoint must be an http(s) URL or 'off', got " + configured);
        }
        return uri;
    }

    /** An API reachable from other hosts must not be open to anyone who finds it. */
    private static void requireAuthOffLoopback(StandaloneConfig config, QueryApiConfig apiConfig) {
        boolean loopback = config.bind().equals("127.0.0.1") || config.bind().equals("localhost")
                || config.bind().equals("::1");
        if (!loopback && !apiConfig.authEnabled() && !config.allowUnauthenticated()) {
            throw new IllegalArgumentException("--bind " + config.bind() + " exposes the API beyond this machine: "
                    + "set LEAKWATCH_API_TOKENS / LEAKWATCH_ADMIN_TOKENS, or pass --allow-unauthenticated");
        }
    }

    private static AnalysisService analysisService(Store store, StandaloneConfig config, Clock clock) {
        InstanceAnalysis rules = config.analysisMinWindow().equals(PRODUCTION_MIN_WINDOW)
                ? InstanceAnalysis.withDefaults()
                : InstanceAnalysis.compressedTo(config.analysisMinWindow());
        return new AnalysisService(store.signals(), clock, AnalysisService.Settings.DEFAULTS, rules);
    }

    private static String displayHost(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    int httpPort() {
        return api.actualPort();
    }

    int otlpPort() {
        return ingest.httpPort();
    }

    Store store() {
        return store;
    }

    private static void awaitQuietly(Future<?> future) {
        try {
            future.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("leakwatch: while stopping: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (clickhouseHttp != null) {
            clickhouseHttp.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (api != null) {
            awaitQuietly(api.close());
        }
        if (alerting != null) {
            alerting.close();
        }
        if (ingest != null) {
            ingest.close();
        }
        if (selfTelemetry != null) {
            selfTelemetry.close();
        }
        awaitQuietly(vertx.close());
        // Last: the engine must be closed after every writer stopped (chDB crashes the JVM otherwise).
        store.close();
    }
}
