package io.leakwatch.alerting;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Deep links into the LeakWatch web UI: {@code {baseUrl}/#/instance/{id}} and {@code {baseUrl}/#/service/{name}}.
 * Path segments are URL-encoded so an instance id cannot break out of its segment.
 */
public record UiLinks(String baseUrl) {

    public UiLinks {
        Objects.requireNonNull(baseUrl, "baseUrl");
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
    }

    /** The page of one instance. */
    public String instance(String instanceId) {
        return baseUrl + "/#/instance/" + encode(instanceId);
    }

    /** The page of one service. */
    public String service(String service) {
        return baseUrl + "/#/service/" + encode(service);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
