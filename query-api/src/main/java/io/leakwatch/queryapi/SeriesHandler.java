package io.leakwatch.queryapi;

import io.leakwatch.store.MetricQueries;
import io.leakwatch.store.SeriesPoint;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/series?instance=&metric=&from=&to=&attr.<key>=<value>&limit=}: one metric of one
 * instance, grouped by attribute set ({@link SeriesGrouping}). {@code truncated} is true when the store
 * returned exactly {@code limit} points, so more may exist. The store is queried on a worker thread.
 */
public final class SeriesHandler implements Handler<RoutingContext> {

    private final Vertx vertx;
    private final MetricQueries queries;
    private final QueryParameters parameters;
    private final Clock clock;

    public SeriesHandler(Vertx vertx, MetricQueries queries, QueryParameters parameters, Clock clock) {
        this.vertx = vertx;
        this.queries = queries;
        this.parameters = parameters;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        SeriesQuery q = parameters.series(ctx.queryParams(), clock.instant());
        vertx.executeBlocking(() -> queries.series(q.instance(), q.metric(), q.attributes(),
                        q.fromMillis(), q.toMillis(), q.limit()), false)
                .onSuccess(points -> ApiErrors.send(ctx.response(), 200, toJson(q, points)))
                .onFailure(ctx::fail);
    }

    static JsonObject toJson(SeriesQuery q, List<SeriesPoint> points) {
        return new JsonObject()
                .put("instance", q.instance())
                .put("metric", q.metric())
                .put("from", Instant.ofEpochMilli(q.fromMillis()).toString())
                .put("to", Instant.ofEpochMilli(q.toMillis()).toString())
                .put("truncated", points.size() >= q.limit())
                .put("series", SeriesGrouping.group(points));
    }
}
