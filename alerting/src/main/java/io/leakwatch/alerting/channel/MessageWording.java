package io.leakwatch.alerting.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The user-facing wording of alert messages, kept apart from code in
 * {@code io/leakwatch/alerting/channel/messages.properties}: field labels and title templates with
 * {@code {placeholder}}s. Missing placeholders render as empty text.
 */
public final class MessageWording {

    private static final String RESOURCE = "/io/leakwatch/alerting/channel/messages.properties";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+)}");
    private static final MessageWording ENGLISH = load();

    private final Properties texts;

    private MessageWording(Properties texts) {
        this.texts = texts;
    }

    /** The shipped English wording. */
    public static MessageWording english() {
        return ENGLISH;
    }

    /** The text of a key; throws IllegalStateException for an unknown key (a bug, caught by the golden tests). */
    public String text(String key) {
        String t = texts.getProperty(key);
        if (t == null) {
            throw new IllegalStateException("no wording for " + key);
        }
        return t;
    }

    /** The text of a key with its placeholders filled from {@code values}. */
    public String format(String key, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text(key));
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static MessageWording load() {
        try (InputStream in = MessageWording.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return new MessageWording(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
