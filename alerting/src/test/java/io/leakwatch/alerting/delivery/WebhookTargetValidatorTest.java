package io.leakwatch.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookTargetValidatorTest {

    private static final Map<String, String> DNS = Map.of(
            "chat.example.com", "93.184.216.34",
            "chat.corp", "10.1.2.3",
            "evil.example.com", "169.254.169.254",
            "rebind.example.com", "127.0.0.1",
            "v6meta.example.com", "fd00:ec2::254",
            "linklocal.example.com", "fe80::1");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = DNS.getOrDefault(host, host);
        if (!Character.isDigit(ip.charAt(0)) && !ip.contains(":")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    }

    private final WebhookTargetValidator strict = new WebhookTargetValidator(TargetPolicy.DEFAULT, WebhookTargetValidatorTest::resolve);

    @Test
    void allowsPublicAndPrivateHttpTargets() {
        assertThatCode(() -> strict.check(URI.create("https://chat.example.com/hook?key=x"))).doesNotThrowAnyException();
        assertThatCode(() -> strict.check(URI.create("http://chat.corp:8080/robot"))).doesNotThrowAnyException();
    }

    @Test
    void refusesDangerousTargets() {
        for (String url : new String[] {"ftp://chat.example.com/x", "file:///etc/passwd", "https://user:pw@chat.example.com/",
                "http://127.0.0.1/", "http://[::1]/", "http://evil.example.com/", "http://169.254.169.254/latest/meta-data",
                "http://metadata.google.internal/computeMetadata/v1/", "http://v6meta.example.com/", "http://0.0.0.0/",
                "http://linklocal.example.com/", "http://169.254.10.10/", "http://rebind.example.com/", "http://nowhere.invalid/",
                "http://100.100.100.200/"}) {
            assertThatThrownBy(() -> strict.check(URI.create(url))).as(url).isInstanceOf(TargetRejectedException.class);
        }
    }

    @Test
    void loopbackOnlyWhenAllowedAndMetadataNever() {
        WebhookTargetValidator tests = new WebhookTargetValidator(TargetPolicy.allowingLoopback(), WebhookTargetValidatorTest::resolve);
        assertThatCode(() -> tests.check(URI.create("http://127.0.0.1:8080/"))).doesNotThrowAnyException();
        WebhookTargetValidator all = new WebhookTargetValidator(new TargetPolicy(true, true, true), WebhookTargetValidatorTest::resolve);
        assertThatThrownBy(() -> all.check(URI.create("http://169.254.169.254/"))).hasMessageContaining("metadata");
        WebhookTargetValidator noPrivate = new WebhookTargetValidator(new TargetPolicy(false, false, false), WebhookTargetValidatorTest::resolve);
        assertThatThrownBy(() -> noPrivate.check(URI.create("http://chat.corp/"))).hasMessageContaining("private");
    }

    @Test
    void rejectionMessageShowsOnlySchemeAndHost() {
        assertThatThrownBy(() -> strict.check(URI.create("http://127.0.0.1:9/hook?token=SECRET123")))
                .hasMessageNotContaining("SECRET123").hasMessageStartingWith("http://127.0.0.1:9:");
    }
}
