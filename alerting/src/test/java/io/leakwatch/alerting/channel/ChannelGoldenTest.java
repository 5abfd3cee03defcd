package io.leakwatch.alerting.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.leakwatch.alerting.Secret;
import io.leakwatch.alerting.Severity;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Each channel renders one fixed message (fixed clock, fixed secrets) to exactly the checked-in JSON under
 * {@code src/test/resources/golden/}. Set {@code -Dgolden.update=true} to rewrite the files after an
 * intended change, then review the diff.
 */
class ChannelGoldenTest {

    static final Instant NOW = Instant.parse("2026-03-01T10:05:00Z");
    static final AlertMessage MESSAGE = new AlertMessage(AlertMessage.Status.FIRING, Severity.CRITICAL,
            "heap-leak-critical", "Heap leak confirmed with high confidence", "checkout", "1.5.0", "prod",
            IntStream.rangeClosed(1, 12).mapToObj(i -> String.format("checkout-%02d", i)).toList(), Signal.HEAP,
            Verdict.LEAK, 92, 12.5 * 1024 * 1024, "bytes", 5L * 3600 + 20 * 60, Instant.parse("2026-03-01T08:00:00Z"),
            "com.shop.cart.SessionEntry", "com.shop.cart.SessionCache.put(SessionCache.java:42) <init>",
            "https://leakwatch.example.com/#/service/checkout", NOW);
    static final Secret SECRET = Secret.of("SECtest-secret");
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static AlertChannel channel(String type) {
        return AlertChannels.create(new ChannelConfig("ops", ChannelType.fromId(type),
                Secret.of("https://hooks.example.com/services/T000/B000/XXXX"), SECRET));
    }

    @ParameterizedTest
    @ValueSource(strings = {"slack", "wecom", "dingtalk", "feishu", "webhook"})
    void rendersTheGoldenBody(String type) throws IOException {
        OutboundRequest request = channel(type).render(MESSAGE, NOW);
        String actual = PRETTY.writeValueAsString(PRETTY.readTree(request.body())) + "\n";
        Path file = Path.of("src/test/resources/golden/" + type + ".json");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, actual);
        }
        try (InputStream in = ChannelGoldenTest.class.getResourceAsStream("/golden/" + type + ".json")) {
            assertThat(in).as("golden file for " + type).isNotNull();
            assertThat(actual).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void dingTalkSignsTheUrlAsDocumented() {
        OutboundRequest request = channel("dingtalk").render(MESSAGE, NOW);
        // Python reference: quote_plus(b64encode(hmac.new(b"SECtest-secret", b"1772359500000\nSECtest-secret", sha256).digest()))
        assertThat(request.uri().toString()).startsWith("https://hooks.example.com/services/T000/B000/XXXX?timestamp=1772359500000&sign=")
                .endsWith("&sign=" + DingTalkChannel.sign(1772359500000L, "SECtest-secret"));
    }

    @Test
    void feishuSignatureUsesTheStringAsKeyOverAnEmptyMessage() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("1772359500\nSECtest-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = java.util.Base64.getEncoder().encodeToString(mac.doFinal());
        assertThat(FeishuChannel.sign(1772359500L, "SECtest-secret")).isEqualTo(expected);
    }

    @Test
    void humanUnits() {
        assertThat(HumanUnits.slope(12.5 * 1024 * 1024, "bytes")).isEqualTo("+12.5 MB/h");
        assertThat(HumanUnits.slope(300 * 1024, "bytes")).isEqualTo("+300 KB/h");
        assertThat(HumanUnits.slope(3, "threads")).isEqualTo("+3 threads/h");
        assertThat(HumanUnits.slope(0.004, "ratio")).isEqualTo("+0.4 pp/h");
        assertThat(HumanUnits.slope(Double.NaN, "bytes")).isEqualTo("n/a");
        assertThat(HumanUnits.duration(19_200L)).isEqualTo("5h 20m");
        assertThat(HumanUnits.duration(3L * 86400 + 7200)).isEqualTo("3d 2h");
        assertThat(HumanUnits.duration(null)).isEqualTo("unknown");
        assertThat(List.of(MESSAGE.instancesText())).singleElement().asString().endsWith("checkout-10 +2 more");
    }
}
