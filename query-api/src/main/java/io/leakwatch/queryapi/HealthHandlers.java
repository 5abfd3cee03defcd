package io.leakwatch.queryapi;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * {@code /health/live}: 200 {@code {"status":"UP"}} whenever the process serves HTTP.
 * {@code /health/ready}: 200 {@code {"status":"UP"}} when the store is ready, else 503
 * {@code {"status":"DOWN"}}. The readiness check runs on the event loop, so it must be cheap and
 * non-blocking; one that throws counts as not ready.
 */
public final class HealthHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(HealthHandlers.class);

    private final BooleanSupplier storeReady;

    public HealthHandlers(BooleanSupplier storeReady) {
        this.storeReady = storeReady;
    }

    public void live(RoutingContext ctx) {
        ApiErrors.send(ctx.response(), 200, new JsonObject().put("status", "UP"));
    }

    public void ready(RoutingContext ctx) {
        boolean ready;
        try {
            ready = storeReady.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("store readiness check failed: {}", e.toString());
            ready = false;
        }
        ApiErrors.send(ctx.response(), ready ? 200 : 503, new JsonObject()
                .put("status", ready ? "UP" : "DOWN")
                .put("checks", new JsonObject().put("store", ready ? "UP" : "DOWN")));
    }
}
