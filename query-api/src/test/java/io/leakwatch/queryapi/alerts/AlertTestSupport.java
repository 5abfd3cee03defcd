package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.Finding;
import io.leakwatch.alerting.Secret;
import io.leakwatch.alerting.channel.ChannelConfig;
import io.leakwatch.alerting.channel.ChannelType;
import io.leakwatch.alerting.delivery.DeliveryConfig;
import io.leakwatch.alerting.delivery.TargetPolicy;
import io.leakwatch.analysis.Signal;
import io.leakwatch.analysis.Verdict;
import io.leakwatch.store.Store;
import io.leakwatch.store.alerts.AlertSchema;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Shared fixtures of the alerting tests. */
final class AlertTestSupport {

    /** Recent (the tables' TTLs keep it) and on a whole minute. */
    static final Instant START = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));

    static final String SIGNING_SECRET = "s3cret-signing-key-0123456789";

    private AlertTestSupport() {
    }

    /** A config with one signed webhook channel to the receiver, loopback allowed, quick delivery. */
    static AlertingConfig config(WebhookReceiver receiver, String replica) {
        ChannelConfig hook = new ChannelConfig("test-hook", ChannelType.WEBHOOK,
                Secret.of(receiver.url("/hook/token-abcdefghijkl")), Secret.of(SIGNING_SECRET));
        return AlertingConfig.defaults()
                .withChannels(List.of(hook))
                .withEvaluation(replica, Duration.ofMinutes(1), Duration.ofMinutes(1))
                .withDelivery(TargetPolicy.allowingLoopback(), new DeliveryConfig(Duration.ofSeconds(2),
                        Duration.ofSeconds(5), 2, Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofSeconds(1), 4096));
    }

    /** A confirmed heap leak on one instance of checkout 1.4. */
    static Finding heapLeak() {
        return new Finding("checkout", "1.4", "", List.of("checkout-1"), Signal.HEAP, Verdict.LEAK, 95, 50e6,
                "bytes", 7200L, START.minus(Duration.ofHours(3)), null, null, "http://ui/#/instance/checkout-1");
    }

    /** Empties the alert tables so each test starts from nothing. */
    static void truncate(Store store) {
        for (String t : List.of(AlertSchema.RULES, AlertSchema.SILENCES, AlertSchema.STATES, AlertSchema.HISTORY,
                AlertSchema.NOTIFICATIONS, AlertSchema.CHANNELS, AlertSchema.LEASES)) {
            store.engine().execute("TRUNCATE TABLE " + t, Map.of());
        }
    }
}
