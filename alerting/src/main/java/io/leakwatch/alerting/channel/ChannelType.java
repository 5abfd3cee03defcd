package io.leakwatch.alerting.channel;

import java.util.Locale;

/** The chat and webhook systems LeakWatch can notify. */
public enum ChannelType {
    /** Slack-compatible incoming webhook (blocks with a fallback text). */
    SLACK,
    /** WeChat Work (WeCom) group robot, markdown. */
    WECOM,
    /** DingTalk robot, markdown, optionally signed (timestamp + sign in the URL). */
    DINGTALK,
    /** Feishu/Lark bot, interactive card, optionally signed (timestamp + sign in the body). */
    FEISHU,
    /** Generic JSON webhook signed with HMAC-SHA256 in a header. */
    WEBHOOK;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ChannelType fromId(String id) {
        for (ChannelType t : values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown channel type '" + id
                + "', expected one of slack, wecom, dingtalk, feishu, webhook");
    }
}
