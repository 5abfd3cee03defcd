package io.leakwatch.collector.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the text after {@code -javaagent:leakwatch-agent.jar=}: {@code key=value} pairs separated by
 * commas. A piece without {@code =} continues the previous value, so
 * {@code kafka.bootstrap.servers=a:9092,b:9092} keeps both brokers. Never throws.
 */
public final class AgentArguments {
    /** Longer argument strings are cut: they come from a command line, not from a file. */
    static final int MAX_LENGTH = 8192;

    private AgentArguments() {}

    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        String bounded = text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) : text;
        String lastKey = null;
        for (String piece : bounded.split(",")) {
            int eq = piece.indexOf('=');
            if (eq > 0) {
                lastKey = piece.substring(0, eq).trim();
                out.put(lastKey, piece.substring(eq + 1).trim());
            } else if (lastKey != null && !piece.isBlank()) {
                out.put(lastKey, out.get(lastKey) + "," + piece.trim());
            }
        }
        return out;
    }
}
