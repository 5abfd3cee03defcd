package io.leakwatch.alerting.channel;

/** The markdown body shared by WeCom, DingTalk and Feishu: a bold title, one "- **label:** value" per field, the link. */
final class Markdown {

    private Markdown() {
    }

    static String body(AlertMessage m, String titlePrefix) {
        StringBuilder b = new StringBuilder();
        b.append(titlePrefix).append("**").append(escape(m.title())).append("**\n");
        for (AlertMessage.Field f : m.fields()) {
            b.append("- **").append(f.label()).append(":** ").append(escape(f.value())).append('\n');
        }
        if (m.link() != null) {
            b.append("\n[").append(m.linkLabel()).append("](").append(m.link()).append(')');
        }
        return b.toString();
    }

    /** Keeps values from opening markup: angle brackets (e.g. {@code <init>}) and asterisks are neutralised. */
    static String escape(String s) {
        return s.replace("<", "‹").replace(">", "›").replace("*", "∗");
    }
}
