package io.leakwatch.queryapi;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Bearer-token authentication of {@code /api/*}: GET and HEAD need a read or an admin token, every other
 * method an admin token. No or an unknown token: 401 with {@code WWW-Authenticate: Bearer}; a read token
 * on a mutating request: 403. Tokens are never logged or echoed. With no token configured
 * ({@link QueryApiConfig#authEnabled()} false) every request passes.
 */
public final class ApiAuthHandler {

    private final ApiTokens tokens;

    public ApiAuthHandler(ApiTokens tokens) {
        this.tokens = tokens;
    }

    public void handle(RoutingContext ctx) {
        if (!tokens.enabled()) {
            ctx.next();
            return;
        }
        ApiTokens.Role role = tokens.roleOf(ctx.request().getHeader("Authorization"));
        boolean readOnly = ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD;
        if (role == ApiTokens.Role.NONE) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"leakwatch\"");
            ApiResponses.error(ctx, 401, "unauthorized", "a valid bearer token is required");
        } else if (!readOnly && role != ApiTokens.Role.ADMIN) {
            ApiResponses.error(ctx, 403, "forbidden", "this request needs an admin token");
        } else {
            ctx.next();
        }
    }
}
