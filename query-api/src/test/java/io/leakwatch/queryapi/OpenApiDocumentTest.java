package io.leakwatch.queryapi;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-maintained OpenAPI document and the router describe exactly the same endpoints. */
@ExtendWith(VertxExtension.class)
class OpenApiDocumentTest {

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedPathIsRouted(Vertx vertx) {
        Router router = QueryApiRouter.create(vertx, QueryApiConfig.defaults(), new FakeMetricQueries(), () -> true);
        JsonObject paths = new JsonObject(new String(QueryApiRouter.loadOpenApi(), java.nio.charset.StandardCharsets.UTF_8))
                .getJsonObject("paths");

        Set<String> routed = new TreeSet<>();
        List<Route> routes = router.getRoutes();
        for (Route route : routes) {
            // Endpoints are the exact paths with methods; prefix routes are the catch-alls (404, UI, timeouts).
            if (route.getPath() != null && route.isExactPath() && route.methods() != null && !route.methods().isEmpty()) {
                for (HttpMethod method : route.methods()) {
                    routed.add(method.name().toLowerCase(Locale.ROOT) + " "
                            + route.getPath().replaceAll(":([A-Za-z]+)", "{$1}"));
                }
            }
        }
        Set<String> documented = new TreeSet<>();
        for (String path : paths.fieldNames()) {
            for (String method : paths.getJsonObject(path).fieldNames()) {
                documented.add(method + " " + path);
            }
        }
        assertThat(routed).contains("get /api/v1/instances", "get /api/v1/series", "get /health/live",
                "get /health/ready", "get /api/v1/openapi.json", "get /api/v1/services", "get /api/v1/leaks",
                "get /api/v1/instances/{id}/analysis", "get /api/v1/instances/{id}/attribution", "get /api/v1/rules", "post /api/v1/rules",
                "get /api/v1/rules/{id}", "put /api/v1/rules/{id}", "delete /api/v1/rules/{id}", "get /api/v1/silences",
                "post /api/v1/silences", "delete /api/v1/silences/{id}", "get /api/v1/alerts", "get /api/v1/channels",
                "post /api/v1/channels/{id}/test");
        assertThat(documented).isEqualTo(routed);
    }

    @Test
    void documentIsOpenApi31() {
        JsonObject doc = new JsonObject(new String(QueryApiRouter.loadOpenApi(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
        assertThat(doc.getJsonObject("info").getString("title")).isNotBlank();
    }
}
