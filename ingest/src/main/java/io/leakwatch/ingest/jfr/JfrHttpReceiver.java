package io.leakwatch.ingest.jfr;

import io.leakwatch.ingest.IngestTelemetry;
import io.leakwatch.ingest.PayloadRejectedException;
import io.leakwatch.store.StoreException;
import io.leakwatch.store.jfr.JfrSnapshotRows;
import io.leakwatch.wire.JfrEnvelope;
import io.leakwatch.wire.JfrEnvelopeCodec;
import io.leakwatch.wire.MalformedEnvelopeException;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /v1/jfr}: one JFR snapshot envelope ({@link JfrEnvelopeCodec}) per request, served on the OTLP
 * receiver's port. Used by the standalone and by collectors that cannot reach Kafka.
 *
 * <p>Promises: 200 with a JSON summary ({@code snapshot}, {@code oldObjects}, {@code allocationSamples},
 * {@code collections}, {@code stacks}) only after the rows are written; 400 with {@code {"error": reason}}
 * for a malformed envelope or a recording that cannot be read; 413 for a body or recording over its limit;
 * 415 for a content type other than {@value #CONTENT_TYPE} or {@code application/octet-stream}; 503 with
 * {@code Retry-After} when too many snapshots are being parsed or the store is temporarily unavailable; 500
 * otherwise. Parsing runs on a dedicated worker pool, never on the event loop. The insert's dedup token is the
 * snapshot id (a hash of instance, end time and payload), so a retried POST adds no rows.
 */
public final class JfrHttpReceiver {
    public static final String PATH = "/v1/jfr";
    public static final String CONTENT_TYPE = "application/vnd.leakwatch.jfr-envelope";
    private static final String JSON = "application/json";
    private static final Logger LOG = LoggerFactory.getLogger(JfrHttpReceiver.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private final JfrSnapshotDecoder decoder;
    private final JfrSnapshotSink sink;
    private final IngestTelemetry telemetry;
    private final WorkerExecutor workers;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong snapshotsWritten = new AtomicLong();
    private final AtomicLong snapshotsRejected = new AtomicLong();

    public JfrHttpReceiver(Vertx vertx, JfrSnapshotDecoder decoder, JfrSnapshotSink sink) {
        this(vertx, decoder, sink, IngestTelemetry.noop());
    }

    /** As the other constructor, reporting snapshots and inserts to {@code telemetry}. */
    public JfrHttpReceiver(Vertx vertx, JfrSnapshotDecoder decoder, JfrSnapshotSink sink, IngestTelemetry telemetry) {
        this.telemetry = telemetry;
        this.decoder = decoder;
        this.sink = sink;
        this.workers = vertx.createSharedWorkerExecutor("leakwatch-jfr-http", decoder.config().workerThreads());
    }

    /** Adds the route to {@code router}. */
    public void mount(Router router) {
        router.post(PATH).handler(this::admit);
        router.post(PATH)
                .handler(BodyHandler.create(false).setBodyLimit(decoder.config().maxEnvelopeBytes()))
                .handler(this::ingest)
                .failureHandler(this::failure);
    }

    public long snapshotsWritten() {
        return snapshotsWritten.get();
    }

    public long snapshotsRejected() {
        return snapshotsRejected.get();
    }

    public void close() {
        workers.close();
    }

    private void admit(RoutingContext ctx) {
        String type = mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        if (!type.equals(CONTENT_TYPE) && !type.equals("application/octet-stream")) {
            error(ctx, 415, "unsupported content type '" + type + "'; use " + CONTENT_TYPE);
            return;
        }
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit)
                && Long.parseLong(length) > decoder.config().maxEnvelopeBytes()) {
            error(ctx, 413, "envelope exceeds the limit of " + decoder.config().maxEnvelopeBytes() + " bytes");
            return;
        }
        if (inFlight.incrementAndGet() > decoder.config().maxInFlight()) {
            inFlight.decrementAndGet();
            ctx.response().putHeader("Retry-After", Long.toString(RETRY_AFTER.toSeconds()));
            error(ctx, 503, "too many JFR snapshots in flight; retry later");
            return;
        }
        ctx.addEndHandler(v -> inFlight.decrementAndGet());
        ctx.next();
    }

    private void ingest(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        workers.executeBlocking(() -> decodeAndWrite(bytes), false).onComplete(r -> {
            if (r.succeeded()) {
                JfrSnapshotRows s = r.result();
                ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                        .end(new JsonObject().put("snapshot", s.snapshotId()).put("oldObjects", s.oldObjects().size())
                                .put("allocationSamples", s.allocations().size())
                                .put("collections", s.collections().size()).put("stacks", s.stacks().size()).encode());
            } else {
                replyFailure(ctx, r.cause());
            }
        });
    }

    private JfrSnapshotRows decodeAndWrite(byte[] bytes) {
        telemetry.recordsReceived(IngestTelemetry.Source.HTTP_JFR, 1);
        JfrEnvelope envelope = JfrEnvelopeCodec.decode(bytes, decoder.config().maxEnvelopeBytes());
        JfrSnapshotRows rows = decoder.decode(envelope);
        long t0 = System.nanoTime();
        try {
            sink.write(List.of(rows), "jfr-http-" + rows.snapshotId());
        } catch (RuntimeException e) {
            telemetry.insertFailed(IngestTelemetry.Source.HTTP_JFR, System.nanoTime() - t0);
            throw e;
        }
        telemetry.inserted(IngestTelemetry.Source.HTTP_JFR, 1, System.nanoTime() - t0);
        telemetry.jfrSnapshots(IngestTelemetry.Source.HTTP_JFR, 1, true);
        snapshotsWritten.incrementAndGet();
        return rows;
    }

    private void replyFailure(RoutingContext ctx, Throwable cause) {
        switch (cause) {
            case MalformedEnvelopeException e -> rejected(ctx, e.tooLarge() ? 413 : 400, e.getMessage());
            case PayloadRejectedException e -> rejected(ctx, e.tooLarge() ? 413 : 400, e.getMessage());
            case StoreException e when e.retryable() -> {
                LOG.warn("JFR snapshot not stored, store temporarily unavailable (sender will retry): {}", e.getMessage());
                ctx.response().putHeader("Retry-After", Long.toString(RETRY_AFTER.toSeconds()));
                error(ctx, 503, "store temporarily unavailable; retry later");
            }
            case StoreException e -> {
                LOG.error("JFR snapshot not stored: {}", e.getMessage(), e);
                error(ctx, 500, "store rejected the snapshot: " + e.getMessage());
            }
            default -> {
                LOG.error("JFR snapshot ingest failed", cause);
                error(ctx, 500, "internal error");
            }
        }
    }

    private void rejected(RoutingContext ctx, int status, String reason) {
        snapshotsRejected.incrementAndGet();
        telemetry.jfrSnapshots(IngestTelemetry.Source.HTTP_JFR, 1, false);
        LOG.info("JFR snapshot refused ({}): {}", status, reason);
        error(ctx, status, reason);
    }

    private void failure(RoutingContext ctx) {
        if (ctx.statusCode() == 413) {
            error(ctx, 413, "envelope exceeds the limit of " + decoder.config().maxEnvelopeBytes() + " bytes");
        } else if (ctx.statusCode() == 400) {
            error(ctx, 400, "malformed request");
        } else {
            if (ctx.failure() != null) {
                LOG.error("JFR request failed", ctx.failure());
            }
            error(ctx, 500, "internal error");
        }
    }

    private static void error(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(new JsonObject().put("error", message).encode());
    }

    private static String mediaType(String header) {
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}
