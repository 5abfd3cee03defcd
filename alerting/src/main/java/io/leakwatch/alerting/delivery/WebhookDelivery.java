package io.leakwatch.alerting.delivery;

import io.leakwatch.alerting.channel.AlertChannel;
import io.leakwatch.alerting.channel.AlertMessage;
import io.leakwatch.alerting.channel.OutboundRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends rendered channel messages over HTTP with the JDK client, never on the caller's thread: every method
 * returns at once with a future of the {@link DeliveryRecord}, which is also added to the {@link DeliveryLog}.
 *
 * <p>Retries only what can succeed later: connection failures, timeouts, 408, 429 (honouring
 * {@code Retry-After} up to a cap) and 5xx, with capped jittered exponential backoff and a maximum number of
 * attempts ({@link DeliveryConfig}). Other 4xx and error codes inside a 200 reply fail at once. Targets are
 * validated before sending; redirects are not followed. Logs and records carry the target as scheme + host
 * only and error texts scrubbed of the channel's secrets.
 */
public final class WebhookDelivery implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

    private final DeliveryConfig config;
    private final WebhookTargetValidator validator;
    private final DeliveryLog log;
    private final Clock clock;
    private final Executor executor;
    private final DoubleSupplier jitter;
    private final HttpClient client;

    /**
     * @param executor runs validation (DNS) and schedules retries; the HTTP client uses it too
     * @param jitter   draws in [0, 1) for backoff jitter (tests pass a constant)
     */
    public WebhookDelivery(DeliveryConfig config, WebhookTargetValidator validator, DeliveryLog log, Clock clock,
                           Executor executor, DoubleSupplier jitter) {
        this.config = config;
        this.validator = validator;
        this.log = log;
        this.clock = clock;
        this.executor = executor;
        this.jitter = jitter;
        this.client = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    /** With random jitter. */
    public WebhookDelivery(DeliveryConfig config, WebhookTargetValidator validator, DeliveryLog log, Clock clock,
                           Executor executor) {
        this(config, validator, log, clock, executor, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Delivers one message to one channel. */
    public CompletableFuture<DeliveryRecord> deliver(AlertChannel channel, AlertMessage message) {
        return CompletableFuture.supplyAsync(() -> prepare(channel, message, false), executor)
                .thenCompose(p -> p.rejected != null ? CompletableFuture.completedFuture(p.rejected)
                        : attempt(channel, p, 1));
    }

    /** Sends a recognisable test message to a channel; {@code link} is the UI's base URL (or null). */
    public CompletableFuture<DeliveryRecord> sendTest(AlertChannel channel, String link) {
        AlertMessage test = AlertMessage.test(channel.id(), link, clock.instant());
        return CompletableFuture.supplyAsync(() -> prepare(channel, test, true), executor)
                .thenCompose(p -> p.rejected != null ? CompletableFuture.completedFuture(p.rejected)
                        : attempt(channel, p, 1));
    }

    /** The log this delivery writes to. */
    public DeliveryLog log() {
        return log;
    }

    @Override
    public void close() {
        client.close();
    }

    private record Prepared(OutboundRequest request, String target, boolean test, Instant startedAt,
                            DeliveryRecord rejected) {
    }

    private Prepared prepare(AlertChannel channel, AlertMessage message, boolean test) {
        Instant now = clock.instant();
        OutboundRequest request;
        URI uri = null;
        try {
            request = channel.render(message, now);
            uri = request.uri();
            validator.check(uri);
        } catch (RuntimeException e) {
            String target = UrlRedactor.redact(uri);
            String error = UrlRedactor.scrub(e.getMessage(), uri, channel.secrets());
            DeliveryRecord r = new DeliveryRecord(channel.id(), channel.type(), target, test, now, now, 0,
                    DeliveryOutcome.REJECTED, null, error);
            log.add(r);
            LOG.warn("alert channel {} target refused: {}", channel.id(), error);
            return new Prepared(null, target, test, now, r);
        }
        return new Prepared(request, UrlRedactor.redact(uri), test, now, null);
    }

    private CompletableFuture<DeliveryRecord> attempt(AlertChannel channel, Prepared p, int n) {
        Instant attemptAt = clock.instant();
        HttpRequest.Builder b = HttpRequest.newBuilder(p.request.uri())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "LeakWatch-Alerting")
                .POST(HttpRequest.BodyPublishers.ofByteArray(p.request.body()));
        p.request.headers().forEach(b::header);
        CompletableFuture<HttpResponse<String>> sent;
        try {
            sent = client.sendAsync(b.build(), info -> new CappedBody(config.maxReplyBytes()));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(finish(channel, p, attemptAt, n, DeliveryOutcome.FAILED, null,
                    e.getClass().getSimpleName()));
        }
        // The request timeout covers the wait for headers; this guard also bounds a reply body that never ends.
        CompletableFuture<HttpResponse<String>> guarded = sent.copy()
                .orTimeout(config.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> {
                    if (e != null) {
                        sent.cancel(true);
                    }
                });
        return guarded.handle((response, error) -> classify(channel, p.request.uri(), response, error))
                .thenCompose(result -> {
                    if (result.outcome == DeliveryOutcome.DELIVERED || !result.retryable || n >= config.maxAttempts()) {
                        DeliveryOutcome outcome = result.outcome == DeliveryOutcome.DELIVERED ? DeliveryOutcome.DELIVERED
                                : result.retryable ? DeliveryOutcome.GAVE_UP : DeliveryOutcome.FAILED;
                        return CompletableFuture.completedFuture(
                                finish(channel, p, attemptAt, n, outcome, result.status, result.error));
                    }
                    Duration wait = result.retryAfter != null ? min(result.retryAfter, config.maxRetryAfter())
                            : config.backoff(n, jitter.getAsDouble());
                    LOG.debug("alert channel {} ({}) attempt {} failed ({}), retrying in {} ms", channel.id(),
                            p.target, n, result.error, wait.toMillis());
                    Executor delayed = CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS, executor);
                    return CompletableFuture.supplyAsync(() -> null, delayed)
                            .thenCompose(x -> attempt(channel, p, n + 1));
                });
    }

    private record Result(DeliveryOutcome outcome, boolean retryable, Integer status, String error,
                          Duration retryAfter) {
    }

    private Result classify(AlertChannel channel, URI uri, HttpResponse<String> response, Throwable error) {
        if (error != null) {
            Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String text = UrlRedactor.scrub(describe(t), uri, channel.secrets());
            boolean retryable = t instanceof HttpTimeoutException || t instanceof TimeoutException
                    || t instanceof ConnectException || t instanceof IOException;
            return new Result(DeliveryOutcome.FAILED, retryable, null, text, null);
        }
        int status = response.statusCode();
        String body = UrlRedactor.scrub(response.body(), uri, channel.secrets());
        if (status >= 200 && status < 300) {
            Optional<String> vendorError = channel.errorInReply(response.body());
            return vendorError.map(e -> new Result(DeliveryOutcome.FAILED, false, status,
                            "endpoint reported " + UrlRedactor.scrub(e, uri, channel.secrets()), null))
                    .orElseGet(() -> new Result(DeliveryOutcome.DELIVERED, false, status, null, null));
        }
        String text = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + truncate(body, 200));
        if (status == 429) {
            return new Result(DeliveryOutcome.FAILED, true, status, text,
                    retryAfter(response.headers().firstValue("Retry-After").orElse(null)));
        }
        boolean retryable = status >= 500 || status == 408;
        return new Result(DeliveryOutcome.FAILED, retryable, status, text, null);
    }

    private DeliveryRecord finish(AlertChannel channel, Prepared p, Instant attemptAt, int attempts,
                                  DeliveryOutcome outcome, Integer status, String error) {
        DeliveryRecord r = new DeliveryRecord(channel.id(), channel.type(), p.target, p.test, p.startedAt,
                attemptAt, attempts, outcome, status, error);
        log.add(r);
        if (outcome == DeliveryOutcome.DELIVERED) {
            LOG.debug("alert channel {} ({}) delivered after {} attempt(s)", channel.id(), p.target, attempts);
        } else {
            LOG.warn("alert channel {} ({}) {} after {} attempt(s): {}", channel.id(), p.target,
                    outcome == DeliveryOutcome.GAVE_UP ? "gave up" : "failed", attempts, error);
        }
        return r;
    }

    private Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException ignored) {
                return null;
            }
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
            return "timed out";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** Keeps at most {@code cap} bytes of a reply, draining the rest. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<String> {
        private final int cap;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CompletableFuture<String> result = new CompletableFuture<>();

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletableFuture<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer bb : items) {
                int n = Math.min(bb.remaining(), cap - buffer.size());
                if (n > 0) {
                    byte[] chunk = new byte[n];
                    bb.get(chunk);
                    buffer.write(chunk, 0, n);
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toString(StandardCharsets.UTF_8));
        }
    }
}
