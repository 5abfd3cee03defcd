package io.leakwatch.queryapi;

import io.leakwatch.store.MetricQueries;
import io.leakwatch.store.SignalQueries;
import io.leakwatch.store.jfr.JfrQueries;
import io.leakwatch.webui.WebUi;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import io.leakwatch.queryapi.alerts.AlertHandlers;
import io.leakwatch.queryapi.alerts.AlertingService;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Builds the router of port 8080: the REST API under {@code /api/v1}, health under {@code /health}, and the
 * web UI at {@code /}. Both the standalone launcher and {@link QueryApiVerticle} mount this one router, so
 * the two deployments answer alike. Every {@code /api} or {@code /health} failure is a JSON body
 * ({@link ApiErrors}); the store is only ever called on worker threads.
 */
public final class QueryApiRouter {

    /** Classpath location of the OpenAPI document served at {@code /api/v1/openapi.json}. */
    static final String OPENAPI_RESOURCE = "/io/leakwatch/queryapi/openapi.json";

    private QueryApiRouter() {
    }

    /**
     * @param vertx      the Vert.x instance whose worker pool runs store queries
     * @param config     limits and defaults
     * @param queries    the store's blocking reads
     * @param storeReady cheap, non-blocking readiness check for {@code /health/ready}
     */
    public static Router create(Vertx vertx, QueryApiConfig config, MetricQueries queries,
                                BooleanSupplier storeReady) {
        return create(vertx, config, queries, storeReady, Clock.systemUTC());
    }

    /** As {@link #create(Vertx, QueryApiConfig, MetricQueries, BooleanSupplier)}, with the clock that defines "now". */
    public static Router create(Vertx vertx, QueryApiConfig config, MetricQueries queries,
                                BooleanSupplier storeReady, Clock clock) {
        return create(vertx, config, queries, null, storeReady, clock);
    }

    /**
     * The full API, leak analysis included.
     *
     * @param signals the store's analysis reads, or null to answer the analysis endpoints with 503
     */
    public static Router create(Vertx vertx, QueryApiConfig config, MetricQueries queries, SignalQueries signals,
                                BooleanSupplier storeReady, Clock clock) {
        return create(vertx, config, queries, signals,
                signals == null ? null : new AnalysisService(signals, clock, AnalysisService.Settings.DEFAULTS),
                storeReady, clock);
    }

    /** As above with a given analysis service (its cache settings, its clock); alerting answers 503. */
    public static Router create(Vertx vertx, QueryApiConfig config, MetricQueries queries, SignalQueries signals,
                                AnalysisService analysis, BooleanSupplier storeReady, Clock clock) {
        return create(vertx, config, queries, signals, analysis, null, storeReady, clock);
    }

    /**
     * The full API with alerting.
     *
     * @param alerting rules, silences, alerts and channels, or null to answer those endpoints with 503
     */
    public static Router create(Vertx vertx, QueryApiConfig config, MetricQueries queries, SignalQueries signals,
                                AnalysisService analysis, AlertingService alerting, BooleanSupplier storeReady,
                                Clock clock) {
        return create(vertx, config, queries, signals, analysis, alerting, (AttributionSource) null, storeReady, clock);
    }

    /**
     * The full API with alerting and JFR attribution from the store ({@code store.jfrQueries()}).
     *
     * @param jfr the store's JFR reads, or null to answer {@code /attribution} with 503
     */
    public static Router create(Vertx vertx, QueryApiConfig config, MetricQueries queries, SignalQueries signals,
                                AnalysisService analysis, AlertingService alerting, JfrQueries jfr,
                                BooleanSupplier storeReady, Clock clock) {
        return create(vertx, config, queries, signals, analysis, alerting,
                jfr == null ? null : AttributionSource.of(jfr), storeReady, clock);
    }

    /**
     * The full API.
     *
     * @param attribution JFR attribution reads, or null to answer {@code /attribution} with 503
     */
    public static Router create(Vertx vertx, QueryApiConfig config, MetricQueries queries, SignalQueries signals,
                                AnalysisService analysis, AlertingService alerting, AttributionSource attribution,
                                BooleanSupplier storeReady, Clock clock) {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(queries, "queries");
        Objects.requireNonNull(storeReady, "storeReady");
        Objects.requireNonNull(clock, "clock");
        QueryParameters parameters = new QueryParameters(config);
        HealthHandlers health = new HealthHandlers(storeReady);
        Buffer openApi = Buffer.buffer(loadOpenApi());

        Router router = Router.router(vertx);
        router.route("/api/*").handler(TimeoutHandler.create(config.requestTimeout().toMillis(), 503));
        router.route("/api/*").handler(new ApiAuthHandler(config.tokens())::handle);
        AnalysisHandlers analyses = new AnalysisHandlers(vertx, signals, analysis, parameters, clock);
        router.get("/api/v1/services").handler(analyses::services);
        router.get("/api/v1/instances").handler(new InstancesHandler(vertx, queries, parameters, clock));
        router.get("/api/v1/instances/:id/analysis").handler(analyses::instance);
        router.get("/api/v1/instances/:id/attribution").handler(new AttributionHandler(vertx, attribution,
                new AttributionParameters(config), clock)::handle);
        router.get("/api/v1/leaks").handler(analyses::leaks);
        router.get("/api/v1/series").handler(new SeriesHandler(vertx, queries, parameters, clock));
        AlertHandlers alerts = new AlertHandlers(vertx, alerting, clock);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(AlertHandlers.MAX_BODY_BYTES);
        router.get("/api/v1/rules").handler(alerts::listRules);
        router.post("/api/v1/rules").handler(body).handler(alerts::createRule);
        router.get("/api/v1/rules/:id").handler(alerts::getRule);
        router.put("/api/v1/rules/:id").handler(body).handler(alerts::putRule);
        router.delete("/api/v1/rules/:id").handler(alerts::deleteRule);
        router.get("/api/v1/silences").handler(alerts::listSilences);
        router.post("/api/v1/silences").handler(body).handler(alerts::createSilence);
        router.delete("/api/v1/silences/:id").handler(alerts::expireSilence);
        router.get("/api/v1/alerts").handler(alerts::alerts);
        router.get("/api/v1/channels").handler(alerts::channels);
        router.post("/api/v1/channels/:id/test").handler(alerts::testChannel);
        router.get("/api/v1/openapi.json").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .end(openApi));
        router.route("/api/*").handler(ApiErrors::notFound);
        router.route("/api/*").failureHandler(ApiErrors::handleFailure);

        router.route(HttpMethod.GET, "/health/live").handler(health::live);
        router.route(HttpMethod.GET, "/health/ready").handler(health::ready);
        router.route("/health/*").handler(ApiErrors::notFound);
        router.route("/health/*").failureHandler(ApiErrors::handleFailure);

        router.route("/*").handler(WebUi.handler());
        return router;
    }

    static byte[] loadOpenApi() {
        try (InputStream in = QueryApiRouter.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
