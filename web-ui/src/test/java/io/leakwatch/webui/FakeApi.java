package io.leakwatch.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Canned {@code /api/v1} answers shaped like query-api's (see its openapi.json): two services, a leaking
 * {@code checkout-1} whose old generation floor rises, and the analysis endpoints answering 404 as a server
 * without them does, unless {@link #leaksAvailable} is set.
 */
final class FakeApi {

    static final String LEAKING = "checkout-1";
    private static final long STEP_MS = 30_000;
    private static final int POINTS = 120;
    private static final long MIB = 1024 * 1024;

    volatile boolean emptyFleet;
    volatile boolean leaksAvailable;
    /** A metric whose series requests fail with 500, as a store error does; null for none. */
    volatile String failingMetric;

    void mount(Router router) {
        router.get("/api/v1/instances").handler(this::instances);
        router.get("/api/v1/series").handler(this::series);
        router.get("/api/v1/leaks").handler(ctx -> {
            if (leaksAvailable) {
                ctx.json(new JsonArray().add(new JsonObject().put("service", "checkout").put("version", "1.5.0")
                        .put("instance", LEAKING).put("signal", "heap").put("verdict", "leak").put("confidence", 97)
                        .put("slopePerHour", 450.0 * MIB).put("unit", "bytes").put("timeToExhaustionSeconds", 5400)
                        .put("since", Instant.now().minusSeconds(3000).toString())));
            } else {
                noEndpoint(ctx);
            }
        });
        router.route("/api/*").handler(FakeApi::noEndpoint);
    }

    /** What query-api's ApiErrors.notFound answers for a route it does not have. */
    private static void noEndpoint(RoutingContext ctx) {
        ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", "not_found")
                        .put("detail", "no endpoint GET " + ctx.request().path() + "; see /api/v1/openapi.json").encode());
    }

    private void instances(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        if (!emptyFleet) {
            String now = Instant.now().minusSeconds(5).toString();
            String start = Instant.now().minusSeconds(3600).toString();
            list.add(instance(LEAKING, "checkout", "1.5.0", start, now))
                    .add(instance("checkout-2", "checkout", "1.4.2", start, now))
                    .add(instance("gateway-1", "gateway", "2.1.0", start, now));
        }
        ctx.json(list);
    }

    private static JsonObject instance(String id, String service, String version, String first, String last) {
        return new JsonObject().put("instance", id).put("service", service).put("version", version)
                .put("host", "host-" + id).put("environment", "prod").put("firstSeen", first).put("lastSeen", last)
                .put("points", 4321);
    }

    private void series(RoutingContext ctx) {
        String instance = ctx.queryParams().get("instance");
        String metric = ctx.queryParams().get("metric");
        if (metric.equals(failingMetric)) {
            ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "internal_error")
                            .put("detail", "the request failed; error id 1234abcd is in the server log").encode());
            return;
        }
        boolean leaking = LEAKING.equals(instance);
        long end = System.currentTimeMillis() / STEP_MS * STEP_MS;
        long start = end - (POINTS - 1) * STEP_MS;
        JsonArray series = new JsonArray();
        // i counts points from the oldest; old gen grows 4 MiB per point on the leaking instance.
        IntFunction<Double> old = i -> (double) (120 * MIB + (leaking ? i * 4 * MIB : (i % 10) * MIB));
        switch (metric) {
            case "jvm.memory.used" -> {
                series.add(series(start, heapPool("G1 Eden Space"), i -> (double) ((i % 6) * 40 * MIB)));
                series.add(series(start, heapPool("G1 Old Gen"), i -> old.apply(i) + (i % 4) * 8 * MIB));
                series.add(series(start, heapPool("G1 Survivor Space"), i -> (double) (6 * MIB)));
                series.add(series(start, nonHeapPool("Metaspace"), i -> (double) (60 * MIB + i * 64 * 1024)));
                series.add(series(start, nonHeapPool("CodeHeap 'non-profiled nmethods'"), i -> (double) (18 * MIB)));
            }
            case "jvm.memory.used_after_last_gc" -> {
                series.add(series(start, heapPool("G1 Eden Space"), i -> 0.0));
                series.add(series(start, heapPool("G1 Old Gen"), old));
                series.add(series(start, heapPool("G1 Survivor Space"), i -> (double) (5 * MIB)));
            }
            case "jvm.memory.limit" -> series.add(series(start, heapPool("G1 Old Gen"), i -> (double) (1024 * MIB)));
            case "jvm.memory.committed" -> {
                series.add(series(start, heapPool("G1 Old Gen"), i -> (double) (700 * MIB)));
                series.add(series(start, heapPool("G1 Eden Space"), i -> (double) (256 * MIB)));
                series.add(series(start, nonHeapPool("Metaspace"), i -> (double) (80 * MIB)));
            }
            case "jvm.class.count" -> series.add(series(start, Map.of(), i -> 9000.0 + i * 3));
            case "jvm.thread.count" -> {
                series.add(series(start, Map.of("jvm.thread.daemon", "true"), i -> 20.0));
                series.add(series(start, Map.of("jvm.thread.daemon", "false"), i -> 12.0 + i / 20));
            }
            case "jvm.buffer.memory.used" -> {
                series.add(series(start, Map.of("jvm.buffer.pool.name", "direct"), i -> (double) (16 * MIB)));
                series.add(series(start, Map.of("jvm.buffer.pool.name", "mapped"), i -> (double) (2 * MIB)));
            }
            case "process.memory.usage" -> series.add(series(start, Map.of(), i -> (double) (1300 * MIB + i * 2 * MIB)));
            default -> { /* a metric this instance does not send: no series, as the store answers */ }
        }
        ctx.json(new JsonObject().put("instance", instance).put("metric", metric)
                .put("from", Instant.ofEpochMilli(start).toString()).put("to", Instant.ofEpochMilli(end).toString())
                .put("truncated", false).put("series", series));
    }

    private static Map<String, String> heapPool(String name) {
        return Map.of("jvm.memory.type", "heap", "jvm.memory.pool.name", name);
    }

    private static Map<String, String> nonHeapPool(String name) {
        return Map.of("jvm.memory.type", "non_heap", "jvm.memory.pool.name", name);
    }

    private static JsonObject series(long start, Map<String, String> attributes, IntFunction<Double> value) {
        JsonArray points = new JsonArray();
        for (int i = 0; i < POINTS; i++) {
            points.add(new JsonArray().add(start + i * STEP_MS).add(value.apply(i)));
        }
        return new JsonObject().put("attributes", new JsonObject(new java.util.HashMap<String, Object>(attributes))).put("points", points);
    }
}
