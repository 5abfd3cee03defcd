package io.leakwatch.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.StoreException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The OTLP/HTTP receiver as it was before cross-request batching (one insert per request, on the worker pool),
 * kept verbatim for {@link OtlpHttpBatchingBench}'s "before" figure only. Not used by ingest.
 *
 * <p>Original description follows.
 *
 * The OTLP/HTTP metrics receiver: {@code POST /v1/metrics} (protobuf or JSON, optionally gzip), plus
 * {@code GET /health/live} and {@code GET /health/ready}.
 *
 * <p>Promises, per the OTLP/HTTP specification: 200 with an {@code ExportMetricsServiceResponse} (with
 * {@code partial_success} when some points were refused) only after the rows are written; 400 with a
 * {@code google.rpc.Status} naming the reason for a malformed body; 413 for a body over the size limit
 * (also after gunzip, so a zip bomb is cut off); 415 for another media type or content encoding; 503 with
 * {@code Retry-After} when the store reports a retryable error or too many requests are in flight; 500 for
 * any other store failure. Replies use the request's content type.
 *
 * <p>Writing: each request's rows are one insert, done on a small dedicated worker pool, never on the event
 * loop. OTLP senders (SDK exporters, the Collector's batch processor, the LeakWatch agent) already batch,
 * and a 200 must mean "stored", so a shared batcher would only add latency or weaken that promise. The
 * insert's deduplication token is a hash of the decoded body: a sender that retries after a timeout whose
 * insert did land sends the same bytes, and ClickHouse drops the repeat.
 */
final class PerRequestOtlpHttpReceiver {
    public static final String PROTOBUF = "application/x-protobuf";
    public static final String JSON = "application/json";
    public static final String METRICS_PATH = "/v1/metrics";

    private static final Logger LOG = LoggerFactory.getLogger(PerRequestOtlpHttpReceiver.class);
    private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private final Vertx vertx;
    private final IngestConfig.HttpConfig config;
    private final OtlpMetricsDecoder decoder;
    private final MetricWriter writer;
    private final BooleanSupplier ready;
    private final IngestTelemetry telemetry;
    private final WorkerExecutor workers;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong pointsRejected = new AtomicLong();
    private volatile HttpServer server;
    private volatile java.util.function.Consumer<Router> extraRoutes = r -> { };

    /**
     * @param ready whether this service can do its work (store reachable …); called on a worker thread
     */
    public PerRequestOtlpHttpReceiver(Vertx vertx, IngestConfig.HttpConfig config, OtlpMetricsDecoder decoder,
                            MetricWriter writer, BooleanSupplier ready) {
        this(vertx, config, decoder, writer, ready, IngestTelemetry.noop());
    }

    /** As the other constructor, reporting requests, inserts and refused points to {@code telemetry}. */
    public PerRequestOtlpHttpReceiver(Vertx vertx, IngestConfig.HttpConfig config, OtlpMetricsDecoder decoder,
                            MetricWriter writer, BooleanSupplier ready, IngestTelemetry telemetry) {
        this.telemetry = telemetry;
        this.vertx = vertx;
        this.config = config;
        this.decoder = decoder;
        this.writer = writer;
        this.ready = ready;
        this.workers = vertx.createSharedWorkerExecutor("leakwatch-otlp-http", config.workerThreads());
    }

    /** Adds routes served on the same port (e.g. {@code POST /v1/jfr}); call before {@link #listen()}. */
    public void mount(java.util.function.Consumer<Router> routes) {
        this.extraRoutes = routes;
    }

    /** The routes, for a caller that serves them on its own server. */
    public Router router() {
        Router router = Router.router(vertx);
        extraRoutes.accept(router);
        // Refusals that need no body (media type, encoding, load) come first, in a route of their own:
        // Vert.x wants a body handler to be the first handler of its route.
        router.post(METRICS_PATH).handler(this::admit);
        router.post(METRICS_PATH)
                .handler(BodyHandler.create(false).setBodyLimit(config.maxRequestBytes()))
                .handler(this::export)
                .failureHandler(this::failure);
        router.get("/health/live").handler(ctx -> health(ctx, true, ""));
        router.get("/health/ready").handler(ctx -> workers.executeBlocking(ready::getAsBoolean, false)
                .onComplete(r -> health(ctx, r.succeeded() && r.result(),
                        r.succeeded() ? "store not reachable" : "readiness check failed: " + r.cause().getMessage())));
        return router;
    }

    /** Starts an HTTP server on the configured host and port; completes with the bound port. */
    public Future<Integer> listen() {
        return vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
                .requestHandler(router())
                .listen()
                .map(s -> {
                    server = s;
                    LOG.info("OTLP/HTTP receiver listening on {}:{}{}", config.host(), s.actualPort(), METRICS_PATH);
                    return s.actualPort();
                });
    }

    public Future<Void> close() {
        HttpServer s = server;
        Future<Void> closed = s == null ? Future.succeededFuture() : s.close();
        return closed.eventually(workers::close);
    }

    /** Rows written since start. */
    public long rowsWritten() {
        return rowsWritten.get();
    }

    /** Data points refused (partial success) since start. */
    public long pointsRejected() {
        return pointsRejected.get();
    }

    private void admit(RoutingContext ctx) {
        String type = mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        if (!PROTOBUF.equals(type) && !JSON.equals(type)) {
            error(ctx, 415, JSON, RpcStatus.INVALID_ARGUMENT, "unsupported content type '" + type
                    + "'; use " + PROTOBUF + " or " + JSON);
            return;
        }
        String encoding = mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING));
        if (!encoding.isEmpty() && !"gzip".equals(encoding) && !"identity".equals(encoding)) {
            error(ctx, 415, type, RpcStatus.INVALID_ARGUMENT, "unsupported content encoding '" + encoding
                    + "'; use gzip or none");
            return;
        }
        if (inFlight.incrementAndGet() > config.maxInFlightRequests()) {
            inFlight.decrementAndGet();
            ctx.response().putHeader("Retry-After", Long.toString(config.retryAfter().toSeconds()));
            error(ctx, 503, type, RpcStatus.UNAVAILABLE, "too many requests in flight; retry later");
            return;
        }
        ctx.addEndHandler(v -> inFlight.decrementAndGet());
        ctx.next();
    }

    private void export(RoutingContext ctx) {
        String type = mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        boolean gzip = "gzip".equals(mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING)));
        Buffer body = ctx.body().buffer();
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        workers.executeBlocking(() -> decodeAndWrite(bytes, gzip, JSON.equals(type)), false)
                .onComplete(result -> {
                    if (result.succeeded()) {
                        reply(ctx, type, result.result());
                    } else {
                        replyFailure(ctx, type, result.cause());
                    }
                });
    }

    private DecodedMetrics decodeAndWrite(byte[] bytes, boolean gzip, boolean json) {
        telemetry.recordsReceived(IngestTelemetry.Source.HTTP_METRICS, 1);
        byte[] payload = gzip ? BoundedGunzip.gunzip(bytes, decoder.limits().maxPayloadBytes()) : bytes;
        DecodedMetrics decoded = json ? decoder.decodeJson(payload) : decoder.decodeProtobuf(payload);
        if (!decoded.rows().isEmpty()) {
            String token = "otlp-http-" + sha256(payload);
            long t0 = System.nanoTime();
            try {
                writer.write(decoded.rows(), token);
            } catch (RuntimeException e) {
                telemetry.insertFailed(IngestTelemetry.Source.HTTP_METRICS, System.nanoTime() - t0);
                throw e;
            }
            telemetry.inserted(IngestTelemetry.Source.HTTP_METRICS, decoded.rows().size(), System.nanoTime() - t0);
            rowsWritten.addAndGet(decoded.rows().size());
        }
        pointsRejected.addAndGet(decoded.rejectedPoints());
        telemetry.pointsRejected(IngestTelemetry.Source.HTTP_METRICS, decoded.rejectedPoints());
        return decoded;
    }

    private void reply(RoutingContext ctx, String type, DecodedMetrics decoded) {
        ExportMetricsServiceResponse.Builder response = ExportMetricsServiceResponse.newBuilder();
        if (decoded.rejectedPoints() > 0) {
            response.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                    .setRejectedDataPoints(decoded.rejectedPoints())
                    .setErrorMessage(decoded.rejectionReason()));
        }
        Buffer body;
        if (JSON.equals(type)) {
            try {
                body = Buffer.buffer(JSON_PRINTER.print(response));
            } catch (InvalidProtocolBufferException e) {
                replyFailure(ctx, type, e);
                return;
            }
        } else {
            body = Buffer.buffer(response.build().toByteArray());
        }
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, type).end(body);
    }

    private void replyFailure(RoutingContext ctx, String type, Throwable cause) {
        switch (cause) {
            case PayloadRejectedException e when e.tooLarge() ->
                    error(ctx, 413, type, RpcStatus.RESOURCE_EXHAUSTED, e.getMessage());
            case PayloadRejectedException e -> error(ctx, 400, type, RpcStatus.INVALID_ARGUMENT, e.getMessage());
            case StoreException e when e.retryable() -> {
                LOG.warn("OTLP/HTTP export not stored, store temporarily unavailable (sender will retry): {}",
                        e.getMessage());
                ctx.response().putHeader("Retry-After", Long.toString(config.retryAfter().toSeconds()));
                error(ctx, 503, type, RpcStatus.UNAVAILABLE, "store temporarily unavailable; retry later");
            }
            case StoreException e -> {
                LOG.error("OTLP/HTTP export not stored: {}", e.getMessage(), e);
                error(ctx, 500, type, RpcStatus.INTERNAL, "store rejected the data: " + e.getMessage());
            }
            default -> {
                LOG.error("OTLP/HTTP export failed", cause);
                error(ctx, 500, type, RpcStatus.INTERNAL, "internal error");
            }
        }
    }

    private void failure(RoutingContext ctx) {
        String type = mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        String replyType = JSON.equals(type) ? JSON : PROTOBUF;
        if (ctx.statusCode() == 413) {
            error(ctx, 413, replyType, RpcStatus.RESOURCE_EXHAUSTED,
                    "request body exceeds the limit of " + config.maxRequestBytes() + " bytes");
        } else if (ctx.statusCode() == 400) {
            error(ctx, 400, replyType, RpcStatus.INVALID_ARGUMENT, "malformed request");
        } else {
            if (ctx.failure() != null) {
                LOG.error("OTLP/HTTP request failed", ctx.failure());
            }
            error(ctx, 500, replyType, RpcStatus.INTERNAL, "internal error");
        }
    }

    private static void error(RoutingContext ctx, int status, String type, int code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        Buffer body = JSON.equals(type)
                ? Buffer.buffer(RpcStatus.json(code, message))
                : Buffer.buffer(RpcStatus.protobuf(code, message));
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON.equals(type) ? JSON : PROTOBUF)
                .end(body);
    }

    private static void health(RoutingContext ctx, boolean up, String reason) {
        JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN");
        if (!up) {
            body.put("reason", reason);
        }
        ctx.response().setStatusCode(up ? 200 : 503).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.encode());
    }

    /** The media type without parameters, lower case; "" when absent. */
    private static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
