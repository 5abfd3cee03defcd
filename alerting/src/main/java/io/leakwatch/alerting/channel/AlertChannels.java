package io.leakwatch.alerting.channel;

/** Builds the channel implementation for a {@link ChannelConfig}. */
public final class AlertChannels {

    private AlertChannels() {
    }

    /** The channel for a configuration. */
    public static AlertChannel create(ChannelConfig c) {
        return switch (c.type()) {
            case SLACK -> new SlackChannel(c.id(), c.url());
            case WECOM -> new WeComChannel(c.id(), c.url());
            case DINGTALK -> new DingTalkChannel(c.id(), c.url(), c.signingSecret());
            case FEISHU -> new FeishuChannel(c.id(), c.url(), c.signingSecret());
            case WEBHOOK -> new GenericWebhookChannel(c.id(), c.url(), c.signingSecret());
        };
    }
}
