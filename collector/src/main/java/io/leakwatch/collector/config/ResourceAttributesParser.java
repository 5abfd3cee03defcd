package io.leakwatch.collector.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code OTEL_RESOURCE_ATTRIBUTES} ({@code key1=value1,key2=value2}, values percent-encoded as
 * the OpenTelemetry specification says). Malformed pairs are skipped; sizes are bounded so a huge
 * variable cannot bloat every export.
 */
final class ResourceAttributesParser {
    static final int MAX_ATTRIBUTES = 64;
    static final int MAX_KEY_LENGTH = 255;
    static final int MAX_VALUE_LENGTH = 1024;

    private ResourceAttributesParser() {}

    static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || out.size() >= MAX_ATTRIBUTES) {
                continue;
            }
            String key = pair.substring(0, eq).trim();
            String value;
            try {
                value = URLDecoder.decode(pair.substring(eq + 1).trim().replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEscape) {
                continue;
            }
            if (!key.isEmpty() && key.length() <= MAX_KEY_LENGTH && value.length() <= MAX_VALUE_LENGTH) {
                out.put(key, value);
            }
        }
        return out;
    }
}
