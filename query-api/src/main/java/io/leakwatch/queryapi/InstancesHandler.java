package io.leakwatch.queryapi;

import io.leakwatch.store.InstanceInfo;
import io.leakwatch.store.MetricQueries;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/instances?from=&to=&limit=&service=&version=&environment=}: the instances that reported in
 * the range (default: the last hour), optionally only those whose latest service, version and environment are
 * the given ones, most recently seen first, as a JSON array of {@code {instance, service, version, host,
 * environment, firstSeen, lastSeen, points}} with times in ISO-8601 UTC. The store is queried on a worker
 * thread.
 */
public final class InstancesHandler implements Handler<RoutingContext> {

    private final Vertx vertx;
    private final MetricQueries queries;
    private final QueryParameters parameters;
    private final Clock clock;

    public InstancesHandler(Vertx vertx, MetricQueries queries, QueryParameters parameters, Clock clock) {
        this.vertx = vertx;
        this.queries = queries;
        this.parameters = parameters;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        InstancesQuery q = parameters.instances(ctx.queryParams(), clock.instant());
        vertx.executeBlocking(() -> q.service() == null && q.version() == null && q.environment() == null
                        ? queries.instances(q.fromMillis(), q.toMillis(), q.limit())
                        : queries.instances(q.service(), q.version(), q.environment(), q.fromMillis(), q.toMillis(),
                                q.limit()), false)
                .onSuccess(list -> ApiErrors.send(ctx.response(), 200, toJson(list)))
                .onFailure(ctx::fail);
    }

    static JsonArray toJson(List<InstanceInfo> instances) {
        JsonArray out = new JsonArray();
        for (InstanceInfo i : instances) {
            out.add(new JsonObject()
                    .put("instance", i.instance())
                    .put("service", i.service())
                    .put("version", i.version())
                    .put("host", i.host())
                    .put("environment", i.environment())
                    .put("firstSeen", Instant.ofEpochMilli(i.firstSeenMillis()).toString())
                    .put("lastSeen", Instant.ofEpochMilli(i.lastSeenMillis()).toString())
                    .put("points", i.points()));
        }
        return out;
    }
}
