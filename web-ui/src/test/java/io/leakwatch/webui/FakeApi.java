package io.leakwatch.webui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
    /** Instances without an environment, as from agents that set none. */
    volatile boolean noEnvironments;
    /** A metric whose series requests fail with 500, as a store error does; null for none. */
    volatile String failingMetric;
    /** With a token set, every /api call needs "Authorization: Bearer" with it (read) or the admin one (any). */
    volatile String readToken;
    volatile String adminToken;
    /** Mutating calls as received: "METHOD path body". */
    final List<String> received = new CopyOnWriteArrayList<>();
    /** /api calls that carried an accepted token. */
    final List<String> authorized = new CopyOnWriteArrayList<>();
    final List<JsonObject> silences = new CopyOnWriteArrayList<>();
    final List<JsonObject> rules = new CopyOnWriteArrayList<>();
    /** The one rule the fake starts with. */
    static final JsonObject HEAP_RULE = new JsonObject()
            .put("id", "heap-leak").put("name", "Heap leak").put("enabled", true).put("signal", "heap").put("severity", "critical")
            .put("condition", new JsonObject().put("verdicts", new JsonArray().add("leak")).put("minConfidence", 80))
            .put("for", "10m").put("channels", new JsonArray().add("ops-chat"));

    void reset() {
        emptyFleet = false;
        leaksAvailable = false;
        noEnvironments = false;
        failingMetric = null;
        readToken = null;
        adminToken = null;
        received.clear();
        authorized.clear();
        silences.clear();
        rules.clear();
        rules.add(HEAP_RULE.copy());
    }

    /** As query-api's ApiAuthHandler: 401 without or with an unknown token, 403 for a read token on a write. */
    private void auth(RoutingContext ctx) {
        if (readToken == null && adminToken == null) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        String token = header != null && header.startsWith("Bearer ") ? header.substring(7) : null;
        boolean admin = token != null && token.equals(adminToken);
        boolean read = admin || (token != null && token.equals(readToken));
        if (!read) {
            error(ctx, 401, "unauthorized", "a bearer token is required");
        } else if (!admin && ctx.request().method() != io.vertx.core.http.HttpMethod.GET) {
            error(ctx, 403, "forbidden", "this token is read-only");
        } else {
            authorized.add(ctx.request().method() + " " + ctx.request().path());
            ctx.next();
        }
    }

    private static void error(RoutingContext ctx, int status, String code, String detail) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", code).put("detail", detail).encode());
    }

    void mount(Router router) {
        router.route("/api/*").handler(this::auth);
        router.route("/api/*").handler(io.vertx.ext.web.handler.BodyHandler.create(false).setBodyLimit(16_384));
        router.route("/api/*").handler(ctx -> {
            if (ctx.request().method() != io.vertx.core.http.HttpMethod.GET) {
                received.add(ctx.request().method() + " " + ctx.request().path() + " " + ctx.body().asString());
            }
            ctx.next();
        });
        router.get("/api/v1/instances/:id/analysis").handler(ctx -> {
            if (leaksAvailable && LEAKING.equals(ctx.pathParam("id"))) {
                ctx.json(analysis());
            } else {
                noEndpoint(ctx);
            }
        });
        router.get("/api/v1/instances/:id/attribution").handler(ctx -> {
            if (!leaksAvailable) {
                noEndpoint(ctx);
            } else if (LEAKING.equals(ctx.pathParam("id"))) {
                ctx.json(attribution());
            } else {
                error(ctx, 404, "not_found", "no JFR snapshot from this instance");
            }
        });
        router.get("/api/v1/alerts").handler(ctx -> ctx.json(new JsonObject()
                .put("current", new JsonArray().add(new JsonObject().put("id", "a1").put("rule", "heap-leak")
                        .put("service", "checkout").put("version", "1.5.0").put("signal", "heap").put("status", "firing")
                        .put("severity", "critical").put("firingSince", Instant.now().minusSeconds(1200).toString())
                        .put("finding", new JsonObject().put("verdict", "leak").put("confidence", 97)
                                .put("slopePerHour", 450.0 * MIB).put("unit", "bytes").put("timeToExhaustionSeconds", 5400))))
                .put("history", new JsonArray().add(new JsonObject().put("at", Instant.now().minusSeconds(1200).toString())
                        .put("id", "a1").put("rule", "heap-leak").put("service", "checkout").put("from", "pending").put("to", "firing")))));
        router.get("/api/v1/silences").handler(ctx -> ctx.json(new JsonObject().put("items", new JsonArray(List.copyOf(silences)))));
        router.post("/api/v1/silences").handler(ctx -> {
            JsonObject in = ctx.body().asJsonObject();
            JsonObject s = new JsonObject().put("id", "s" + (silences.size() + 1)).put("matchers", in.getJsonArray("matchers"))
                    .put("startsAt", Instant.now().toString()).put("endsAt", Instant.now().plusSeconds(7200).toString())
                    .put("author", "tester").put("comment", in.getString("comment", "")).put("active", true).put("expired", false);
            silences.add(s);
            ctx.response().setStatusCode(201);
            ctx.json(s);
        });
        router.delete("/api/v1/silences/:id").handler(ctx -> {
            silences.removeIf(s -> s.getString("id").equals(ctx.pathParam("id")));
            ctx.response().setStatusCode(204).end();
        });
        router.get("/api/v1/rules").handler(ctx -> ctx.json(new JsonObject().put("items", new JsonArray(List.copyOf(rules)))));
        router.post("/api/v1/rules").handler(ctx -> {
            JsonObject in = ctx.body().asJsonObject();
            String invalid = invalidRule(in);
            if (invalid != null) {
                error(ctx, 400, "bad_parameter", invalid);
            } else if (rules.stream().anyMatch(r -> r.getString("id").equals(in.getString("id")))) {
                error(ctx, 409, "conflict", "rule '" + in.getString("id") + "' exists; use PUT to replace it");
            } else {
                rules.add(in);
                ctx.response().setStatusCode(201);
                ctx.json(in);
            }
        });
        router.put("/api/v1/rules/:id").handler(ctx -> {
            JsonObject in = ctx.body().asJsonObject();
            String invalid = invalidRule(in);
            if (invalid != null) {
                error(ctx, 400, "bad_parameter", invalid);
                return;
            }
            rules.replaceAll(r -> r.getString("id").equals(ctx.pathParam("id")) ? in : r);
            ctx.json(in);
        });
        router.delete("/api/v1/rules/:id").handler(ctx -> {
            rules.removeIf(r -> r.getString("id").equals(ctx.pathParam("id")));
            ctx.response().setStatusCode(204).end();
        });
        router.get("/api/v1/channels").handler(ctx -> ctx.json(new JsonObject().put("items", new JsonArray().add(new JsonObject()
                .put("id", "ops-chat").put("type", "slack").put("target", "https://chat.example").put("default", true)
                .put("lastDelivery", new JsonObject().put("channel", "ops-chat").put("outcome", "delivered").put("statusCode", 200)
                        .put("lastAttemptAt", Instant.now().minusSeconds(600).toString()).put("attempts", 1))))));
        router.post("/api/v1/channels/:id/test").handler(ctx -> ctx.json(new JsonObject().put("channel", ctx.pathParam("id"))
                .put("outcome", "delivered").put("statusCode", 200).put("attempts", 1)));
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

    private static JsonObject analysis() {
        long end = System.currentTimeMillis() / STEP_MS * STEP_MS;
        long start = end - (POINTS - 1) * STEP_MS;
        double startValue = 120.0 * MIB;
        double endValue = startValue + (POINTS - 1) * 4.0 * MIB;
        double slope = 4.0 * MIB * 3_600_000 / STEP_MS;
        long tte = (long) ((1024 * MIB - endValue) / slope * 3600);
        JsonArray points = new JsonArray();
        for (int i = 0; i < POINTS; i += 10) {
            points.add(new JsonArray().add(start + i * STEP_MS).add(startValue + i * 4.0 * MIB));
        }
        JsonObject heap = new JsonObject().put("signal", "heap").put("series", "heap.after_gc").put("verdict", "leak")
                .put("confidence", 97).put("slopePerHour", slope).put("unit", "bytes").put("timeToExhaustionSeconds", tte)
                .put("message", "The old generation after GC grows 480 MiB/h; the heap is full in about 53 min.")
                .put("evidence", new JsonObject().put("points", points)
                        .put("fit", new JsonObject().put("start", Instant.ofEpochMilli(start).toString()).put("startValue", startValue)
                                .put("end", Instant.ofEpochMilli(end).toString()).put("endValue", endValue).put("slopePerHour", slope))
                        .put("slopeLowPerHour", slope * 0.95).put("slopeHighPerHour", slope * 1.05).put("pValue", 1e-9)
                        .put("kendallTau", 0.98).put("reclaimingCollections", 12));
        JsonObject threads = new JsonObject().put("signal", "threads").put("verdict", "ok").put("confidence", 90)
                .put("slopePerHour", 0.0).put("unit", "threads").put("message", "Thread count is flat.");
        return new JsonObject().put("instance", LEAKING).put("service", "checkout").put("version", "1.5.0")
                .put("window", "1h").put("heapMaxBytes", 1024.0 * MIB).put("signals", new JsonArray().add(heap).add(threads));
    }

    private static JsonObject attribution() {
        JsonObject chain = new JsonObject().put("label", "com.shop.Session via value").put("count", 88).put("children", new JsonArray());
        JsonObject map = new JsonObject().put("label", "java.util.HashMap via SESSIONS").put("count", 88).put("children", new JsonArray().add(chain));
        JsonObject root = new JsonObject().put("label", "GC root: Class Loader Data / Global Object Handle").put("count", 88)
                .put("children", new JsonArray().add(map));
        JsonObject tree = new JsonObject().put("label", "com.shop.Session").put("count", 88).put("children", new JsonArray().add(root));
        JsonObject session = new JsonObject().put("className", "com.shop.Session").put("samples", 88).put("baselineSamples", 4)
                .put("perSnapshot", 44.0).put("baselinePerSnapshot", 2.0).put("growthPerSnapshot", 42.0).put("share", 0.81)
                .put("baselineShare", 0.17).put("newSinceBaseline", false)
                .put("oldObjectStacks", new JsonArray().add(new JsonObject().put("stackHash", "b").put("samples", 66).put("weightBytes", 0)
                        .put("frames", new JsonArray().add("com.shop.SessionCache.open(SessionCache.java:42)").add("com.shop.Api.login(Api.java:10)"))))
                .put("allocationStacks", new JsonArray().add(new JsonObject().put("stackHash", "2c").put("samples", 2).put("weightBytes", 6_000_000)
                        .put("frames", new JsonArray().add("com.shop.Session.<init>(Session.java:3)"))))
                .put("referenceTree", tree);
        Instant now = Instant.now();
        return new JsonObject().put("instance", LEAKING).put("from", now.minusSeconds(3600).toString()).put("to", now.toString())
                .put("baselineFrom", now.minusSeconds(7200).toString()).put("baselineTo", now.minusSeconds(3600).toString())
                .put("snapshots", 6).put("baselineSnapshots", 6).put("classes", new JsonArray().add(session));
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
            if (noEnvironments) {
                list.forEach(i -> ((JsonObject) i).remove("environment"));
            }
        }
        ctx.json(list);
    }

    /** The one check the fake makes, worded as query-api's rule validation words it. */
    private static String invalidRule(JsonObject rule) {
        String severity = rule.getString("severity");
        return severity == null || List.of("info", "warning", "critical").contains(severity) ? null
                : "severity: field 'severity': unknown severity '" + severity + "', expected one of info, warning, critical";
    }

    private static JsonObject instance(String id, String service, String version, String first, String last) {
        return new JsonObject().put("instance", id).put("service", service).put("version", version)
                .put("host", "host-" + id).put("environment", service.equals("gateway") ? "staging" : "prod").put("firstSeen", first).put("lastSeen", last)
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
