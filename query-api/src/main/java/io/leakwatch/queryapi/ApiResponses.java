package io.leakwatch.queryapi;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON replies for handlers outside this package, with the same headers and error shape as {@link ApiErrors}. */
public final class ApiResponses {

    private ApiResponses() {
    }

    public static void json(RoutingContext ctx, int status, JsonObject body) {
        ApiErrors.send(ctx.response(), status, body);
    }

    /** {@code {"error": code, "detail": detail}}. */
    public static void error(RoutingContext ctx, int status, String code, String detail) {
        ApiErrors.send(ctx.response(), status, ApiErrors.error(code, detail));
    }
}
