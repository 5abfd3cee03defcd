package io.leakwatch.store.engine;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one list of ClickHouse failures worth retrying: the server was busy, slow or unreachable, and the
 * same request may succeed later. Everything else (syntax, types, missing tables, bad data) is permanent.
 */
public final class RetryableErrors {
    /** ClickHouse error codes (src/Common/ErrorCodes.cpp) that are transient. */
    public static final Map<Integer, String> RETRYABLE_CODES = Map.ofEntries(
            Map.entry(159, "TIMEOUT_EXCEEDED"),
            Map.entry(164, "READONLY"),
            Map.entry(202, "TOO_MANY_SIMULTANEOUS_QUERIES"),
            Map.entry(203, "NO_FREE_CONNECTION"),
            Map.entry(209, "SOCKET_TIMEOUT"),
            Map.entry(210, "NETWORK_ERROR"),
            Map.entry(241, "MEMORY_LIMIT_EXCEEDED"),
            Map.entry(242, "TABLE_IS_READ_ONLY"),
            Map.entry(252, "TOO_MANY_PARTS"),
            Map.entry(285, "TOO_FEW_LIVE_REPLICAS"),
            Map.entry(319, "UNKNOWN_STATUS_OF_INSERT"),
            Map.entry(425, "SYSTEM_ERROR"),
            Map.entry(999, "KEEPER_EXCEPTION"),
            Map.entry(1000, "POCO_EXCEPTION"));
    private static final Pattern CODE = Pattern.compile("Code:\\s*(\\d+)");

    private RetryableErrors() {
    }

    public static boolean isRetryableCode(int code) {
        return RETRYABLE_CODES.containsKey(code);
    }

    /** The numeric code in a ClickHouse error text ("Code: 60. DB::Exception: …"), or 0 if none. */
    public static int codeOf(String message) {
        if (message == null) {
            return 0;
        }
        Matcher m = CODE.matcher(message);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
