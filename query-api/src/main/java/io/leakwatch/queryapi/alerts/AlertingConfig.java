package io.leakwatch.queryapi.alerts;

import io.leakwatch.alerting.DurationText;
import io.leakwatch.alerting.Secret;
import io.leakwatch.alerting.channel.ChannelConfig;
import io.leakwatch.alerting.channel.ChannelType;
import io.leakwatch.alerting.delivery.DeliveryConfig;
import io.leakwatch.alerting.delivery.TargetPolicy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Settings of alerting in the query API, immutable and validated. Channel URLs and signing secrets come only
 * from the environment (or from code), never from the API or the store; {@link #toString()} shows them as
 * {@code ****} ({@link Secret}).
 *
 * <p>Environment ({@link #fromEnv}):
 * <pre>
 * LEAKWATCH_ALERT_INTERVAL        evaluation interval, default 1m (DurationText: 30s, 1m, …)
 * LEAKWATCH_ALERT_LEASE_TTL       evaluator lease length, default = the interval; renewed every ttl/3
 * LEAKWATCH_ALERT_WINDOW          analysis window the rules judge, default 6h
 * LEAKWATCH_ALERT_RULES_FILE      YAML rule file seeded into the store at start-up (default: shipped rules)
 * LEAKWATCH_UI_BASE_URL           base of the links in messages, default http://localhost:8080
 * LEAKWATCH_REPLICA_ID            this replica's lease holder id, default host name + random suffix
 * LEAKWATCH_CHANNELS              comma-separated channel ids, e.g. ops-slack,team-feishu
 * LEAKWATCH_CHANNEL_&lt;ID&gt;_TYPE     slack | wecom | dingtalk | feishu | webhook   (ID upper-cased, '-' and '.' → '_')
 * LEAKWATCH_CHANNEL_&lt;ID&gt;_URL      the webhook URL (a secret: it carries the chat token)
 * LEAKWATCH_CHANNEL_&lt;ID&gt;_SECRET   signing secret (required for webhook, optional for dingtalk/feishu)
 * LEAKWATCH_DEFAULT_CHANNELS      channels for rules that name none, default: every channel
 * LEAKWATCH_WEBHOOK_ALLOW_LOOPBACK, LEAKWATCH_WEBHOOK_ALLOW_LINK_LOCAL (default false),
 * LEAKWATCH_WEBHOOK_ALLOW_PRIVATE (default true)
 * </pre>
 *
 * @param evaluationInterval how often the lease holder evaluates the rules
 * @param leaseTtl           how long a lease lasts without renewal (≥ the interval)
 * @param analysisWindow     the window passed to the leak analysis
 * @param uiBaseUrl          base of the UI links in messages
 * @param replicaId          this replica's holder id in the lease and notification records
 * @param rulesFile          rule file to seed at start-up, or null for the shipped defaults
 * @param channels           configured channels
 * @param defaultChannelIds  channels of rules that name none
 * @param targetPolicy       which webhook destinations are allowed
 * @param delivery           timeouts, attempts, backoff
 */
public record AlertingConfig(Duration evaluationInterval, Duration leaseTtl, Duration analysisWindow, String uiBaseUrl,
                             String replicaId, Path rulesFile, List<ChannelConfig> channels,
                             List<String> defaultChannelIds, TargetPolicy targetPolicy, DeliveryConfig delivery) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(6);
    public static final String DEFAULT_UI_BASE_URL = "http://localhost:8080";

    public AlertingConfig {
        Objects.requireNonNull(evaluationInterval, "evaluationInterval");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(analysisWindow, "analysisWindow");
        Objects.requireNonNull(uiBaseUrl, "uiBaseUrl");
        Objects.requireNonNull(targetPolicy, "targetPolicy");
        Objects.requireNonNull(delivery, "delivery");
        if (evaluationInterval.compareTo(Duration.ofSeconds(1)) < 0 || evaluationInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("LEAKWATCH_ALERT_INTERVAL must be within 1s..1h, was " + evaluationInterval);
        }
        if (leaseTtl.compareTo(evaluationInterval) < 0) {
            throw new IllegalArgumentException("LEAKWATCH_ALERT_LEASE_TTL must be at least the evaluation interval");
        }
        if (analysisWindow.compareTo(Duration.ofMinutes(10)) < 0 || analysisWindow.compareTo(Duration.ofDays(31)) > 0) {
            throw new IllegalArgumentException("LEAKWATCH_ALERT_WINDOW must be within 10m..31d, was " + analysisWindow);
        }
        if (!uiBaseUrl.startsWith("http://") && !uiBaseUrl.startsWith("https://")) {
            throw new IllegalArgumentException("LEAKWATCH_UI_BASE_URL must be an http(s) URL");
        }
        if (replicaId == null || replicaId.isBlank() || replicaId.length() > 128) {
            throw new IllegalArgumentException("LEAKWATCH_REPLICA_ID must be 1..128 characters");
        }
        channels = List.copyOf(channels);
        Set<String> ids = new HashSet<>();
        for (ChannelConfig c : channels) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("channel '" + c.id() + "' is defined twice");
            }
        }
        defaultChannelIds = List.copyOf(defaultChannelIds);
        for (String d : defaultChannelIds) {
            if (!ids.contains(d)) {
                throw new IllegalArgumentException("LEAKWATCH_DEFAULT_CHANNELS names unknown channel '" + d + "'");
            }
        }
    }

    /** One-minute evaluation, shipped rules, no channels, production target policy. */
    public static AlertingConfig defaults() {
        return new AlertingConfig(DEFAULT_INTERVAL, DEFAULT_INTERVAL, DEFAULT_WINDOW, DEFAULT_UI_BASE_URL,
                defaultReplicaId(), null, List.of(), List.of(), TargetPolicy.DEFAULT, DeliveryConfig.DEFAULTS);
    }

    /** The same settings with these channels, all of them the defaults. */
    public AlertingConfig withChannels(List<ChannelConfig> newChannels) {
        return new AlertingConfig(evaluationInterval, leaseTtl, analysisWindow, uiBaseUrl, replicaId, rulesFile,
                newChannels, newChannels.stream().map(ChannelConfig::id).toList(), targetPolicy, delivery);
    }

    /** The same settings with another holder id, interval and lease length. */
    public AlertingConfig withEvaluation(String newReplicaId, Duration interval, Duration ttl) {
        return new AlertingConfig(interval, ttl, analysisWindow, uiBaseUrl, newReplicaId, rulesFile, channels,
                defaultChannelIds, targetPolicy, delivery);
    }

    /** The same settings with another target policy and delivery timing. */
    public AlertingConfig withDelivery(TargetPolicy policy, DeliveryConfig newDelivery) {
        return new AlertingConfig(evaluationInterval, leaseTtl, analysisWindow, uiBaseUrl, replicaId, rulesFile,
                channels, defaultChannelIds, policy, newDelivery);
    }

    /** Reads the variables listed in the class comment; a bad value throws, naming the variable (never a secret). */
    public static AlertingConfig fromEnv(Map<String, String> env) {
        AlertingConfig d = defaults();
        Duration interval = duration(env, "LEAKWATCH_ALERT_INTERVAL", d.evaluationInterval());
        Duration ttl = duration(env, "LEAKWATCH_ALERT_LEASE_TTL", interval);
        Duration window = duration(env, "LEAKWATCH_ALERT_WINDOW", d.analysisWindow());
        String rules = env.get("LEAKWATCH_ALERT_RULES_FILE");
        List<ChannelConfig> channels = new ArrayList<>();
        for (String id : list(env.get("LEAKWATCH_CHANNELS"))) {
            String prefix = "LEAKWATCH_CHANNEL_" + id.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
            String type = env.get(prefix + "_TYPE");
            if (type == null || type.isBlank()) {
                throw new IllegalArgumentException(prefix + "_TYPE is not set (slack, wecom, dingtalk, feishu or webhook)");
            }
            ChannelType channelType;
            try {
                channelType = ChannelType.fromId(type.trim().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(prefix + "_TYPE: " + e.getMessage());
            }
            String secret = env.get(prefix + "_SECRET");
            channels.add(new ChannelConfig(id, channelType, Secret.fromEnv(prefix + "_URL", env),
                    secret == null || secret.isBlank() ? null : Secret.of(secret.trim())));
        }
        List<String> defaults = env.containsKey("LEAKWATCH_DEFAULT_CHANNELS")
                ? list(env.get("LEAKWATCH_DEFAULT_CHANNELS")) : channels.stream().map(ChannelConfig::id).toList();
        TargetPolicy policy = new TargetPolicy(flag(env, "LEAKWATCH_WEBHOOK_ALLOW_LOOPBACK", false),
                flag(env, "LEAKWATCH_WEBHOOK_ALLOW_LINK_LOCAL", false), flag(env, "LEAKWATCH_WEBHOOK_ALLOW_PRIVATE", true));
        return new AlertingConfig(interval, ttl, window, env.getOrDefault("LEAKWATCH_UI_BASE_URL", d.uiBaseUrl()),
                env.getOrDefault("LEAKWATCH_REPLICA_ID", d.replicaId()),
                rules == null || rules.isBlank() ? null : Path.of(rules.trim()), channels, defaults, policy,
                DeliveryConfig.DEFAULTS);
    }

    private static Duration duration(Map<String, String> env, String key, Duration dflt) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return DurationText.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    private static boolean flag(Map<String, String> env, String key, boolean dflt) {
        String v = env.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false");
        };
    }

    private static List<String> list(String v) {
        List<String> out = new ArrayList<>();
        if (v != null) {
            for (String p : v.split(",")) {
                if (!p.isBlank()) {
                    out.add(p.trim());
                }
            }
        }
        return out;
    }

    private static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        return (host.length() > 100 ? host.substring(0, 100) : host) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
