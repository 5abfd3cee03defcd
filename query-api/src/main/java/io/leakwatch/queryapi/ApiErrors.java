package io.leakwatch.queryapi;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The one place that turns failures into JSON error bodies {@code {"error": code, "detail": text}}:
 * a {@link BadParameterException} becomes 400 naming the parameter, an unknown route 404, a timeout 503,
 * anything else 500. A 500 is logged once with its stack trace and an id; the client gets only the id, so
 * store messages (SQL, paths) never leave the process.
 */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    /** Failure handler for every API and health route. */
    public static void handleFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (ctx.response().ended()) {
            // A timeout already answered; the late store result or failure has nowhere to go.
            LOG.debug("request {} finished after its response was sent", ctx.request().path());
            return;
        }
        if (ctx.response().headWritten()) {
            // Too late for a JSON body; make sure the connection does not hang.
            LOG.warn("request {} failed after the response started", ctx.request().path(), failure);
            ctx.response().reset();
            return;
        }
        if (failure instanceof BadParameterException bad) {
            send(ctx.response(), 400, new JsonObject()
                    .put("error", "bad_parameter")
                    .put("parameter", bad.parameter())
                    .put("detail", bad.getMessage()));
            return;
        }
        int status = ctx.statusCode();
        if (failure instanceof HttpException http) {
            status = http.getStatusCode();
            failure = null;
        }
        if (failure == null && status == 503) {
            send(ctx.response(), 503, error("unavailable", "the request took too long; try a shorter range"));
            return;
        }
        if (failure == null && status >= 400 && status < 500) {
            send(ctx.response(), status, error(status == 404 ? "not_found" : "bad_request",
                    HttpResponseStatus.valueOf(status).reasonPhrase()));
            return;
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("request {} {} failed (error id {})", ctx.request().method(), ctx.request().path(), id, failure);
        send(ctx.response(), 500, error("internal_error", "the request failed; error id " + id + " is in the server log"));
    }

    /** 404 for any path under /api that no route serves. */
    public static void notFound(RoutingContext ctx) {
        send(ctx.response(), 404, error("not_found",
                "no endpoint " + ctx.request().method() + " " + truncate(ctx.request().path())
                        + "; see /api/v1/openapi.json"));
    }

    static JsonObject error(String code, String detail) {
        return new JsonObject().put("error", code).put("detail", detail);
    }

    static void send(HttpServerResponse response, int status, Object body) {
        if (response.ended()) {
            return;
        }
        response.setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(body.toString());
    }

    private static String truncate(String path) {
        return path.length() > 128 ? path.substring(0, 128) + "…" : path;
    }
}
