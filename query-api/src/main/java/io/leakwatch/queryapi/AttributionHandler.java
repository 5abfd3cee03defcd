package io.leakwatch.queryapi;

import io.leakwatch.store.jfr.Attribution;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.Instant;

/**
 * {@code GET /api/v1/instances/{id}/attribution}: which classes grew in the instance's old generation from
 * the baseline to the range, with their stacks and reference chains (JFR old-object samples). Validates on
 * the event loop, reads the store on a worker. An instance with no JFR snapshot at all is a 404 (its agent
 * records nothing, or it does not exist); one with snapshots elsewhere in time answers 200 with its counts,
 * so the UI can say "widen the range". Without a source (a router built without JFR queries) it answers 503.
 */
public final class AttributionHandler {

    /** "Any snapshot at all" looks back this far; the JFR tables' TTL is shorter. */
    static final long EVER_MILLIS = 400L * 86_400_000L;

    private final Vertx vertx;
    private final AttributionSource source;
    private final AttributionParameters parameters;
    private final Clock clock;

    public AttributionHandler(Vertx vertx, AttributionSource source, AttributionParameters parameters, Clock clock) {
        this.vertx = vertx;
        this.source = source;
        this.parameters = parameters;
        this.clock = clock;
    }

    public void handle(RoutingContext ctx) {
        Instant now = clock.instant();
        AttributionQuery q = parameters.parse(ctx.pathParam("id"), ctx.queryParams(), now);
        if (source == null) {
            ApiErrors.send(ctx.response(), 503, ApiErrors.error("unavailable",
                    "JFR attribution is not configured on this server"));
            return;
        }
        vertx.executeBlocking(() -> {
                    Attribution a = source.attribution(q.instance(), q.from(), q.to(), q.baselineFrom(), q.baselineTo(),
                            q.maxClasses());
                    if (a.snapshots() > 0 || a.baselineSnapshots() > 0 || hasAnySnapshot(q.instance(), now)) {
                        return a;
                    }
                    return null;
                }, false)
                .onSuccess(a -> {
                    if (a == null) {
                        ApiErrors.send(ctx.response(), 404, ApiErrors.error("not_found",
                                "no JFR snapshot from this instance; the collector agent records them when jfr.enabled"
                                        + " is set (a leak recording every 10 minutes)"));
                    } else {
                        ApiErrors.send(ctx.response(), 200, AttributionJson.attribution(a));
                    }
                })
                .onFailure(ctx::fail);
    }

    /** Only asked when both ranges are empty, so the wide scan is rare. */
    private boolean hasAnySnapshot(String instance, Instant now) {
        long to = now.toEpochMilli() + 86_400_000L;
        long from = Math.max(0, to - EVER_MILLIS);
        Attribution ever = source.attribution(instance, from, to, 0, 1, 1);
        return ever.snapshots() > 0;
    }
}
