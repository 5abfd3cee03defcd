package io.leakwatch.queryapi;

import io.leakwatch.store.MetricQueries;
import io.leakwatch.store.SignalQueries;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Serves {@link QueryApiRouter} alone on its own HTTP server: the separate query-api service. Settings come
 * from {@link #config()} ({@link QueryApiConfig#fromJson}); the store is handed in, because a store is not
 * configuration. Start fails (and the deployment with it) when the port cannot be bound.
 */
public final class QueryApiVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(QueryApiVerticle.class);

    private final MetricQueries queries;
    private final SignalQueries signals;
    private final BooleanSupplier storeReady;
    private volatile HttpServer server;

    public QueryApiVerticle(MetricQueries queries, BooleanSupplier storeReady) {
        this(queries, null, storeReady);
    }

    /** With the analysis reads; {@code signals} null answers the analysis endpoints with 503. */
    public QueryApiVerticle(MetricQueries queries, SignalQueries signals, BooleanSupplier storeReady) {
        this.signals = signals;
        this.queries = Objects.requireNonNull(queries, "queries");
        this.storeReady = Objects.requireNonNull(storeReady, "storeReady");
    }

    @Override
    public Future<?> start() {
        QueryApiConfig config;
        try {
            config = QueryApiConfig.fromJson(config()).withTokens(ApiTokens.fromEnv(System.getenv()));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        return vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
                .requestHandler(QueryApiRouter.create(vertx, config, queries, signals, storeReady, java.time.Clock.systemUTC()))
                .listen()
                .onSuccess(s -> {
                    server = s;
                    LOG.info("query API listening on http://{}:{}/", config.host(), s.actualPort());
                });
    }

    /** The bound port (useful with port 0), or -1 before start succeeded. */
    public int actualPort() {
        HttpServer s = server;
        return s == null ? -1 : s.actualPort();
    }
}
