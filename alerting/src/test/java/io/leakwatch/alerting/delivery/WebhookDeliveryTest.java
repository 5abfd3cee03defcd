package io.leakwatch.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.alerting.Secret;
import io.leakwatch.alerting.Severity;
import io.leakwatch.alerting.channel.AlertChannel;
import io.leakwatch.alerting.channel.AlertChannels;
import io.leakwatch.alerting.channel.AlertMessage;
import io.leakwatch.alerting.channel.ChannelConfig;
import io.leakwatch.alerting.channel.ChannelType;
import io.leakwatch.alerting.channel.DingTalkChannel;
import io.leakwatch.alerting.channel.FeishuChannel;
import io.leakwatch.alerting.channel.GenericWebhookChannel;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookDeliveryTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:05:00Z");
    private static final String SECRET = "SECsigning-0123456789";
    private static final String TOKEN = "tok-ABCDEF123456";
    private static final DeliveryConfig FAST = new DeliveryConfig(Duration.ofMillis(500), Duration.ofMillis(300), 3,
            Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(50), 4096);
    private static final AlertMessage MESSAGE = new AlertMessage(AlertMessage.Status.FIRING, Severity.WARNING, "r",
            "Rule", "checkout", "1.5.0", "prod", List.of("c-1", "c-2"), Signal.HEAP, Verdict.GROWING, 81,
            4 * 1024 * 1024, "bytes", 3600L, null, null, null, "https://ui.example.com/#/service/checkout", NOW);

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final DeliveryLog log = new DeliveryLog();
    private final WebhookDelivery delivery = new WebhookDelivery(FAST,
            new WebhookTargetValidator(TargetPolicy.allowingLoopback()), log, Clock.fixed(NOW, ZoneOffset.UTC),
            executor, () -> 0.5);
    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void close() {
        delivery.close();
        executor.shutdownNow();
    }

    private AlertChannel channel(ChannelType type, Receiver r) {
        return AlertChannels.create(new ChannelConfig("ops-" + type.id(), type,
                Secret.of(r.url("/hook?key=" + TOKEN)), Secret.of(SECRET)));
    }

    private DeliveryRecord send(AlertChannel c) throws Exception {
        return delivery.deliver(c, MESSAGE).get(10, TimeUnit.SECONDS);
    }

    @Test
    void slackReceiverGetsBlocksAndFallbackText() throws Exception {
        try (Receiver r = new Receiver(n -> Receiver.Reply.ok("ok"))) {
            DeliveryRecord rec = send(channel(ChannelType.SLACK, r));
            assertThat(rec.outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            JsonNode body = json.readTree(r.got.get(0).body());
            assertThat(body.path("text").asText()).contains("checkout", "+4 MB/h");
            assertThat(body.path("blocks").size()).isGreaterThan(2);
            assertThat(r.got.get(0).headers().getFirst("Content-Type")).startsWith("application/json");
        }
    }

    @Test
    void weComReceiverGetsMarkdownAndErrcodeIsAFailure() throws Exception {
        try (Receiver r = new Receiver(n -> Receiver.Reply.ok(n == 1 ? "{\"errcode\":0,\"errmsg\":\"ok\"}"
                : "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}"))) {
            AlertChannel c = channel(ChannelType.WECOM, r);
            assertThat(send(c).outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            assertThat(json.readTree(r.got.get(0).body()).path("msgtype").asText()).isEqualTo("markdown");
            DeliveryRecord failed = send(c);
            assertThat(failed.outcome()).isEqualTo(DeliveryOutcome.FAILED);
            assertThat(failed.lastError()).contains("93000");
            assertThat(r.got).hasSize(2);
        }
    }

    @Test
    void dingTalkReceiverVerifiesTheSignedUrl() throws Exception {
        try (Receiver r = new Receiver(n -> Receiver.Reply.ok("{\"errcode\":0}"))) {
            assertThat(send(channel(ChannelType.DINGTALK, r)).outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            String uri = r.got.get(0).uri();
            String ts = query(uri, "timestamp");
            String sign = URLDecoder.decode(query(uri, "sign"), StandardCharsets.UTF_8);
            assertThat(ts).isEqualTo(Long.toString(NOW.toEpochMilli()));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = java.util.Base64.getEncoder().encodeToString(
                    mac.doFinal((ts + "\n" + SECRET).getBytes(StandardCharsets.UTF_8)));
            assertThat(sign).isEqualTo(expected);
            assertThat(query(uri, "key")).isEqualTo(TOKEN);
            assertThat(DingTalkChannel.sign(Long.parseLong(ts), SECRET)).isEqualTo(query(uri, "sign"));
        }
    }

    @Test
    void feishuReceiverVerifiesTheBodySignature() throws Exception {
        try (Receiver r = new Receiver(n -> Receiver.Reply.ok("{\"code\":0,\"msg\":\"success\"}"))) {
            assertThat(send(channel(ChannelType.FEISHU, r)).outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            JsonNode body = json.readTree(r.got.get(0).body());
            String ts = body.path("timestamp").asText();
            assertThat(ts).isEqualTo(Long.toString(NOW.getEpochSecond()));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec((ts + "\n" + SECRET).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            assertThat(body.path("sign").asText()).isEqualTo(java.util.Base64.getEncoder().encodeToString(mac.doFinal()));
            assertThat(body.path("msg_type").asText()).isEqualTo("interactive");
            assertThat(FeishuChannel.sign(Long.parseLong(ts), SECRET)).isEqualTo(body.path("sign").asText());
        }
    }

    @Test
    void genericWebhookReceiverVerifiesTheHeaderSignature() throws Exception {
        try (Receiver r = new Receiver(n -> new Receiver.Reply(204, null, null))) {
            assertThat(send(channel(ChannelType.WEBHOOK, r)).outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            Receiver.Got got = r.got.get(0);
            String ts = got.headers().getFirst(GenericWebhookChannel.TIMESTAMP_HEADER);
            assertThat(ts).isEqualTo(Long.toString(NOW.getEpochSecond()));
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((ts + ".").getBytes(StandardCharsets.UTF_8));
            String expected = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(got.body()));
            assertThat(got.headers().getFirst(GenericWebhookChannel.SIGNATURE_HEADER)).isEqualTo(expected);
            assertThat(json.readTree(got.body()).path("timeToExhaustion").path("seconds").asLong()).isEqualTo(3600);
        }
    }

    @Test
    void failsTwiceWith503ThenDeliversOnTheThirdTry() throws Exception {
        try (Receiver r = new Receiver(n -> n <= 2 ? new Receiver.Reply(503, "busy", null) : Receiver.Reply.ok("ok"))) {
            DeliveryRecord rec = send(channel(ChannelType.SLACK, r));
            assertThat(rec.outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            assertThat(rec.attempts()).isEqualTo(3);
            assertThat(r.got).hasSize(3);
        }
    }

    @Test
    void honoursRetryAfterOn429() throws Exception {
        try (Receiver r = new Receiver(n -> n == 1 ? new Receiver.Reply(429, "slow down", "0") : Receiver.Reply.ok("ok"))) {
            DeliveryRecord rec = send(channel(ChannelType.SLACK, r));
            assertThat(rec.outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            assertThat(rec.attempts()).isEqualTo(2);
        }
    }

    @Test
    void hangingReceiverTimesOutIsRetriedThenGivenUp() throws Exception {
        try (Receiver r = new Receiver(n -> Receiver.Reply.HANG)) {
            DeliveryRecord rec = send(channel(ChannelType.SLACK, r));
            assertThat(rec.outcome()).isEqualTo(DeliveryOutcome.GAVE_UP);
            assertThat(rec.attempts()).isEqualTo(3);
            assertThat(rec.lastError()).isEqualTo("timed out");
            assertThat(rec.statusCode()).isNull();
            assertThat(log.last("ops-slack")).contains(rec);
            assertThat(r.got).hasSize(3);
        }
    }

    @Test
    void badRequestIsNotRetried() throws Exception {
        try (Receiver r = new Receiver(n -> new Receiver.Reply(400, "invalid_payload", null))) {
            DeliveryRecord rec = send(channel(ChannelType.SLACK, r));
            assertThat(rec.outcome()).isEqualTo(DeliveryOutcome.FAILED);
            assertThat(rec.attempts()).isEqualTo(1);
            assertThat(rec.statusCode()).isEqualTo(400);
            assertThat(rec.lastError()).isEqualTo("HTTP 400: invalid_payload");
            assertThat(r.got).hasSize(1);
        }
    }

    @Test
    void sendTestDeliversATestMessage() throws Exception {
        try (Receiver r = new Receiver(n -> Receiver.Reply.ok("ok"))) {
            DeliveryRecord rec = delivery.sendTest(channel(ChannelType.SLACK, r), "https://ui.example.com/")
                    .get(10, TimeUnit.SECONDS);
            assertThat(rec.outcome()).isEqualTo(DeliveryOutcome.DELIVERED);
            assertThat(rec.test()).isTrue();
            assertThat(new String(r.got.get(0).body(), StandardCharsets.UTF_8)).contains("test message");
        }
    }

    @Test
    void refusedTargetIsRecordedAndNothingIsSent() throws Exception {
        WebhookDelivery strict = new WebhookDelivery(FAST, new WebhookTargetValidator(TargetPolicy.DEFAULT), log,
                Clock.fixed(NOW, ZoneOffset.UTC), executor, () -> 0.5);
        try (Receiver r = new Receiver(n -> Receiver.Reply.ok("ok"))) {
            DeliveryRecord rec = strict.deliver(channel(ChannelType.SLACK, r), MESSAGE).get(10, TimeUnit.SECONDS);
            assertThat(rec.outcome()).isEqualTo(DeliveryOutcome.REJECTED);
            assertThat(rec.lastError()).contains("loopback");
            assertThat(r.got).isEmpty();
        } finally {
            strict.close();
        }
    }

    @Test
    void secretsNeverAppearInRecordsLogsOrToString() throws Exception {
        try (Receiver r = new Receiver(n -> n == 1 ? new Receiver.Reply(400, "bad token " + TOKEN, null)
                : Receiver.Reply.HANG)) {
            AlertChannel c = channel(ChannelType.DINGTALK, r);
            send(c);
            send(c);
            ChannelConfig config = new ChannelConfig("x", ChannelType.WEBHOOK, Secret.of(r.url("/h?key=" + TOKEN)),
                    Secret.of(SECRET));
            String everything = log.recent(c.id()) + " " + config + " " + c.render(MESSAGE, NOW)
                    + " " + Secret.of(SECRET);
            assertThat(everything).doesNotContain(TOKEN).doesNotContain(SECRET).doesNotContain("/hook");
            assertThat(log.recent(c.id())).allSatisfy(rec -> assertThat(rec.target()).matches("http://127\\.0\\.0\\.1:\\d+"));
            Path logFile = Path.of("target/alerting-test.log");
            if (Files.exists(logFile)) {
                String logged = Files.readString(logFile);
                assertThat(logged).contains("ops-dingtalk").doesNotContain(TOKEN).doesNotContain(SECRET);
            }
        }
    }

    private static String query(String uri, String name) {
        for (String part : uri.substring(uri.indexOf('?') + 1).split("&")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return null;
    }
}
