package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.AlertRule;
import io.leakwatch.alerting.RuleFileLoader;
import io.leakwatch.alerting.channel.ChannelType;
import io.leakwatch.queryapi.ApiTokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration from the environment, tokens, and the rule JSON round trip. */
class AlertingConfigTest {

    @Test
    void channelsComeFromTheEnvironmentAndNeverShowTheirSecrets() {
        AlertingConfig c = AlertingConfig.fromEnv(Map.of(
                "LEAKWATCH_CHANNELS", "ops-slack, hook",
                "LEAKWATCH_CHANNEL_OPS_SLACK_TYPE", "slack",
                "LEAKWATCH_CHANNEL_OPS_SLACK_URL", "https://hooks.example.com/services/T000/B000/SECRETPATH",
                "LEAKWATCH_CHANNEL_HOOK_TYPE", "webhook",
                "LEAKWATCH_CHANNEL_HOOK_URL", "https://example.com/hook",
                "LEAKWATCH_CHANNEL_HOOK_SECRET", "signing-secret-value",
                "LEAKWATCH_ALERT_INTERVAL", "30s"));
        assertThat(c.channels()).extracting(ch -> ch.type()).containsExactly(ChannelType.SLACK, ChannelType.WEBHOOK);
        assertThat(c.defaultChannelIds()).containsExactly("ops-slack", "hook");
        assertThat(c.evaluationInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.toString()).doesNotContain("SECRETPATH").doesNotContain("signing-secret-value");
    }

    @Test
    void badSettingsNameTheVariable() {
        assertThatThrownBy(() -> AlertingConfig.fromEnv(Map.of("LEAKWATCH_CHANNELS", "x")))
                .hasMessageContaining("LEAKWATCH_CHANNEL_X_TYPE");
        assertThatThrownBy(() -> AlertingConfig.fromEnv(Map.of("LEAKWATCH_CHANNELS", "x",
                "LEAKWATCH_CHANNEL_X_TYPE", "slack"))).hasMessageContaining("LEAKWATCH_CHANNEL_X_URL");
        assertThatThrownBy(() -> AlertingConfig.fromEnv(Map.of("LEAKWATCH_ALERT_INTERVAL", "soon")))
                .hasMessageContaining("LEAKWATCH_ALERT_INTERVAL");
    }

    @Test
    void tokensDecideRolesAndHideTheirValues() {
        ApiTokens t = ApiTokens.fromEnv(Map.of(ApiTokens.READ_ENV, "read-token-0123456789",
                ApiTokens.ADMIN_ENV, "admin-token-0123456789"));
        assertThat(t.enabled()).isTrue();
        assertThat(t.roleOf("Bearer read-token-0123456789")).isEqualTo(ApiTokens.Role.READ);
        assertThat(t.roleOf("bearer admin-token-0123456789")).isEqualTo(ApiTokens.Role.ADMIN);
        assertThat(t.roleOf("Bearer other-token-0123456789")).isEqualTo(ApiTokens.Role.NONE);
        assertThat(t.roleOf("Basic abc")).isEqualTo(ApiTokens.Role.NONE);
        assertThat(t.roleOf(null)).isEqualTo(ApiTokens.Role.NONE);
        assertThat(t.toString()).doesNotContain("token-0123456789");
        assertThat(ApiTokens.fromEnv(Map.of()).enabled()).isFalse();
        assertThatThrownBy(() -> ApiTokens.of(java.util.List.of("short"), java.util.List.of()))
                .hasMessageContaining(ApiTokens.READ_ENV).hasMessageNotContaining("short");
    }

    @Test
    void everyShippedRuleSurvivesTheJsonRoundTrip() {
        for (AlertRule r : new RuleFileLoader().loadDefaults()) {
            assertThat(RuleBodies.parseStored(AlertJson.rule(r).encode())).isEqualTo(r);
        }
    }
}
