package io.leakwatch.analysis;

import java.util.Map;

/**
 * Why a rule reached its verdict, as a message key and named parameters, kept apart from the wording
 * (see {@link Wording}) so the UI can translate and the API can return both.
 *
 * @param key    one of the {@code Reason.*} key constants
 * @param params parameter values by name (numbers, strings, epoch-ms times)
 */
public record Reason(String key, Map<String, Object> params) {

    public static final String NO_DATA = "no_data";
    public static final String TOO_FEW_POINTS = "too_few_points";
    public static final String WINDOW_TOO_SHORT = "window_too_short";
    public static final String RECENT_CHANGE = "recent_change";
    public static final String NO_TREND = "no_trend";
    public static final String SLOPE_BELOW_THRESHOLD = "slope_below_threshold";
    public static final String PLATEAU = "plateau";
    public static final String RELEASED = "released";
    public static final String STEP_AT_CHANGE = "step_at_change";
    public static final String GROWING_UNCONFIRMED = "growing_unconfirmed";
    public static final String GROWING_WEAK = "growing_weak";
    public static final String LEAK = "leak";
    public static final String METASPACE_WITHOUT_CLASSES = "metaspace_without_classes";
    public static final String LEAK_SINCE_CHANGE = "leak_since_change";
    public static final String VERSION_GROWTH = "version_growth";
    public static final String FLEET_GROWTH = "fleet_growth";

    public Reason {
        params = Map.copyOf(params);
    }

    /** A reason with parameters given as alternating name, value. */
    public static Reason of(String key, Object... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("parameters must be name/value pairs");
        }
        java.util.LinkedHashMap<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            map.put((String) nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return new Reason(key, map);
    }
}
