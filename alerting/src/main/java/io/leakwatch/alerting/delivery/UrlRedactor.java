package io.leakwatch.alerting.delivery;

import io.leakwatch.alerting.Secret;
import java.net.URI;
import java.util.Collection;

/** Keeps secrets out of logs and delivery records: URLs shrink to scheme + host (+ port), texts lose secret values. */
public final class UrlRedactor {

    private UrlRedactor() {
    }

    /** {@code https://hooks.example.com} for any URL; "(invalid url)" when it has no scheme or host. */
    public static String redact(URI uri) {
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            return "(invalid url)";
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }

    /** The text with every secret value, and the path, query, query values and long path segments of {@code uri}, replaced by {@code ****}. */
    public static String scrub(String text, URI uri, Collection<Secret> secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        if (uri != null) {
            out = replace(out, uri.toString());
            out = replace(out, uri.getRawQuery());
            out = replace(out, uri.getRawPath());
            // Tokens live in query values (WeCom key, DingTalk access_token) or path segments (Slack); a reply
            // that echoes one alone must not leak it either.
            if (uri.getRawQuery() != null) {
                for (String part : uri.getRawQuery().split("&")) {
                    int eq = part.indexOf('=');
                    out = replace(out, eq >= 0 ? part.substring(eq + 1) : part);
                }
            }
            if (uri.getRawPath() != null) {
                for (String segment : uri.getRawPath().split("/")) {
                    if (segment.length() >= 8) {
                        out = replace(out, segment);
                    }
                }
            }
        }
        for (Secret s : secrets) {
            out = replace(out, s.reveal());
        }
        return out.length() > 500 ? out.substring(0, 500) + "…" : out;
    }

    private static String replace(String text, String secret) {
        return secret == null || secret.length() < 4 ? text : text.replace(secret, "****");
    }
}
