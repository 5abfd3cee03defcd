package io.leakwatch.queryapi;

import io.leakwatch.store.SignalQueries;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The analysis endpoints: {@code GET /api/v1/services}, {@code GET /api/v1/leaks} and
 * {@code GET /api/v1/instances/{id}/analysis}. Parameters are validated on the event loop; the store and
 * the analysis run on a worker ({@link AnalysisService} is blocking). Without {@link SignalQueries} (a
 * router built without them) each answers 503.
 */
public final class AnalysisHandlers {

    private final Vertx vertx;
    private final SignalQueries queries;
    private final AnalysisService service;
    private final QueryParameters parameters;
    private final Clock clock;

    public AnalysisHandlers(Vertx vertx, SignalQueries queries, AnalysisService service, QueryParameters parameters,
                            Clock clock) {
        this.vertx = vertx;
        this.queries = queries;
        this.service = service;
        this.parameters = parameters;
        this.clock = clock;
    }

    /** {@code GET /api/v1/services?from=&to=&environment=}. */
    public void services(RoutingContext ctx) {
        long[] range = parameters.services(ctx.queryParams(), clock.instant());
        String environment = QueryParameters.environment(ctx.queryParams());
        if (unavailable(ctx)) {
            return;
        }
        vertx.executeBlocking(() -> queries.services(range[0], range[1], environment), false)
                .onSuccess(list -> ApiErrors.send(ctx.response(), 200, AnalysisJson.services(list)))
                .onFailure(ctx::fail);
    }

    /** {@code GET /api/v1/leaks?window=&service=&environment=&minConfidence=&limit=&offset=}. */
    public void leaks(RoutingContext ctx) {
        LeaksQuery q = parameters.leaks(ctx.queryParams());
        if (unavailable(ctx)) {
            return;
        }
        vertx.executeBlocking(() -> service.leaks(q.service(), q.environment(), q.window()), false)
                .onSuccess(ranking -> ApiErrors.send(ctx.response(), 200, leaksJson(q, ranking)))
                .onFailure(ctx::fail);
    }

    /** {@code GET /api/v1/instances/{id}/analysis?window=}. */
    public void instance(RoutingContext ctx) {
        String id = QueryParameters.instanceId(ctx.pathParam("id"));
        Duration window = parameters.analysisWindow(ctx.queryParams());
        if (unavailable(ctx)) {
            return;
        }
        vertx.executeBlocking(() -> service.instance(id, window), false)
                .onSuccess(report -> {
                    if (report.isEmpty()) {
                        ApiErrors.send(ctx.response(), 404, ApiErrors.error("not_found",
                                "no instance with this id reported in the last " + AnalysisJson.window(window)));
                    } else {
                        ApiErrors.send(ctx.response(), 200, AnalysisJson.instanceReport(report.get(), window));
                    }
                })
                .onFailure(ctx::fail);
    }

    static JsonObject leaksJson(LeaksQuery q, AnalysisService.Ranking ranking) {
        List<Suspect> kept = ranking.suspects().stream().filter(s -> s.confidence() >= q.minConfidence()).toList();
        JsonArray items = new JsonArray();
        for (int i = q.offset(); i < kept.size() && i < (long) q.offset() + q.limit(); i++) {
            items.add(AnalysisJson.suspect(kept.get(i), q.window()));
        }
        return new JsonObject()
                .put("window", AnalysisJson.window(q.window()))
                .put("from", AnalysisJson.time(ranking.fromMs()))
                .put("to", AnalysisJson.time(ranking.toMs()))
                .put("environment", q.environment())
                .put("instancesScreened", ranking.instancesScreened())
                .put("instancesAnalysed", ranking.instancesAnalysed())
                .put("candidates", ranking.candidates())
                .put("analysisCap", ranking.analysisCap())
                .put("truncated", ranking.truncated())
                .put("total", kept.size())
                .put("offset", q.offset())
                .put("limit", q.limit())
                .put("items", items);
    }

    private boolean unavailable(RoutingContext ctx) {
        if (queries != null) {
            return false;
        }
        ApiErrors.send(ctx.response(), 503, ApiErrors.error("unavailable", "leak analysis is not configured on this server"));
        return true;
    }
}
