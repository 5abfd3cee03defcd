package io.leakwatch.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.leakwatch.store.MetricWriter;
import io.leakwatch.store.StoreException;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.vertx.core.Context;
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
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The OTLP/HTTP metrics receiver: {@code POST /v1/metrics} (protobuf or JSON, optionally gzip), plus
 * {@code GET /health/live} and {@code GET /health/ready}.
 *
 * <p>Promises, per the OTLP/HTTP specification: 200 with an {@code ExportMetricsServiceResponse} (with
 * {@code partial_success} when some points were refused) only after the rows are written; 400 with a
 * {@code google.rpc.Status} naming the reason for a malformed body; 413 for a body over the size limit
 * (also after gunzip, so a zip bomb is cut off); 415 for another media type or content encoding; 503 with
 * {@code Retry-After} when the store reports a retryable error or too many requests are in flight; 429 with
 * {@code Retry-After} when too many rows already wait to be stored; 500 for any other store failure. Replies
 * use the request's content type.
 *
 * <p>Writing: bodies are decoded on a small dedicated worker pool, never on the event loop; the rows of
 * concurrent requests are then gathered by an {@link HttpWriteBatcher} into shared inserts (cut by row count
 * or age, {@link IngestConfig.HttpConfig#batchMaxRows()} / {@link IngestConfig.HttpConfig#batchMaxDelay()}).
 * Each agent's export is small, but thousands of agents exporting every few seconds would otherwise make
 * thousands of tiny inserts, each a part in ClickHouse. A request is answered only once the insert holding
 * its rows succeeded; if that insert fails, every request in it gets the store-failure status. Each request's
 * token is a hash of its decoded body; see {@link HttpWriteBatcher} for what that does and does not
 * deduplicate when a sender retries after a lost response.
 */
public final class OtlpHttpReceiver {
    public static final String PROTOBUF = "application/x-protobuf";
    public static final String JSON = "application/json";
    public static final String METRICS_PATH = "/v1/metrics";

    private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpReceiver.class);
    /** Longest wait in {@link #close()} for waiting rows to be stored. */
    public static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(10);
    private static final String SLOT = "leakwatch.inFlightSlot";
    private static final JsonFormat.Printer JSON_PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private final Vertx vertx;
    private final IngestConfig.HttpConfig config;
    private final OtlpMetricsDecoder decoder;
    private final BooleanSupplier ready;
    private final IngestTelemetry telemetry;
    private final WorkerExecutor workers;
    private final HttpWriteBatcher batcher;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong pointsRejected = new AtomicLong();
    private volatile HttpServer server;
    private volatile java.util.function.Consumer<Router> extraRoutes = r -> { };

    /**
     * @param ready whether this service can do its work (store reachable …); called on a worker thread
     */
    public OtlpHttpReceiver(Vertx vertx, IngestConfig.HttpConfig config, OtlpMetricsDecoder decoder,
                            MetricWriter writer, BooleanSupplier ready) {
        this(vertx, config, decoder, writer, ready, IngestTelemetry.noop());
    }

    /** As the other constructor, reporting requests, inserts and refused points to {@code telemetry}. */
    public OtlpHttpReceiver(Vertx vertx, IngestConfig.HttpConfig config, OtlpMetricsDecoder decoder,
                            MetricWriter writer, BooleanSupplier ready, IngestTelemetry telemetry) {
        this.telemetry = telemetry;
        this.vertx = vertx;
        this.config = config;
        this.decoder = decoder;
        this.ready = ready;
        this.workers = vertx.createSharedWorkerExecutor("leakwatch-otlp-http", config.workerThreads());
        this.batcher = HttpWriteBatcher.of(writer, config, telemetry);
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

    /**
     * Stops: first flushes the rows waiting for an insert (at most {@link #CLOSE_FLUSH_TIMEOUT}, new requests
     * get 429 meanwhile) so that their senders get their answers, then closes the server and the workers.
     */
    public Future<Void> close() {
        return vertx.executeBlocking(() -> {
            batcher.close(CLOSE_FLUSH_TIMEOUT);
            return null;
        }, false).transform(x -> {
            HttpServer s = server;
            // Graceful: answers already handed to the event loop by the flush still go out.
            return s == null ? Future.<Void>succeededFuture() : s.shutdown(5, TimeUnit.SECONDS);
        }).eventually(workers::close);
    }

    /** Rows written since start. */
    public long rowsWritten() {
        return batcher.rowsWritten();
    }

    /** Rows waiting for or in an insert now. */
    public long pendingRows() {
        return batcher.pendingRows();
    }

    /** Inserts made since start (successful or not); fewer than requests when requests were batched. */
    public long inserts() {
        return batcher.inserts();
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
        // The slot bounds bodies being received and decoded; it is given back once the rows are decoded, so
        // requests waiting for a shared insert do not block new ones (maxPendingRows bounds those).
        AtomicBoolean held = new AtomicBoolean(true);
        Runnable release = () -> {
            if (held.compareAndSet(true, false)) {
                inFlight.decrementAndGet();
            }
        };
        ctx.put(SLOT, release);
        ctx.addEndHandler(v -> release.run());
        ctx.next();
    }

    private void export(RoutingContext ctx) {
        String type = mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        boolean gzip = "gzip".equals(mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING)));
        Buffer body = ctx.body().buffer();
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        Context context = vertx.getOrCreateContext();
        Runnable release = ctx.get(SLOT);
        workers.executeBlocking(() -> decode(bytes, gzip, JSON.equals(type)), false)
                .compose(decoded -> {
                    release.run();
                    return Future.fromCompletionStage(batcher.submit(decoded.metrics().rows(), decoded.token()), context)
                            .map(stored -> decoded.metrics());
                })
                .onComplete(result -> {
                    release.run();
                    if (result.succeeded()) {
                        DecodedMetrics decoded = result.result();
                        pointsRejected.addAndGet(decoded.rejectedPoints());
                        telemetry.pointsRejected(IngestTelemetry.Source.HTTP_METRICS, decoded.rejectedPoints());
                        reply(ctx, type, decoded);
                    } else {
                        replyFailure(ctx, type, result.cause());
                    }
                });
    }

    private record Decoded(DecodedMetrics metrics, String token) {
    }

    private Decoded decode(byte[] bytes, boolean gzip, boolean json) {
        telemetry.recordsReceived(IngestTelemetry.Source.HTTP_METRICS, 1);
        byte[] payload = gzip ? BoundedGunzip.gunzip(bytes, decoder.limits().maxPayloadBytes()) : bytes;
        DecodedMetrics decoded = json ? decoder.decodeJson(payload) : decoder.decodeProtobuf(payload);
        return new Decoded(decoded, decoded.rows().isEmpty() ? null : "otlp-http-" + sha256(payload));
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
            case HttpWriteBatcher.OverloadedException e -> {
                telemetry.requestThrottled(IngestTelemetry.Source.HTTP_METRICS);
                ctx.response().putHeader("Retry-After", Long.toString(config.retryAfter().toSeconds()));
                error(ctx, 429, type, RpcStatus.RESOURCE_EXHAUSTED, e.getMessage());
            }
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
