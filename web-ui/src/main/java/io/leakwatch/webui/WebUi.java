package io.leakwatch.webui;

import io.vertx.ext.web.handler.StaticHandler;

/**
 * The LeakWatch web UI: static assets packaged in this jar under {@link #WEB_ROOT} (plain ES modules, plus
 * uPlot's prebuilt files under {@code vendor/uplot/}, copied there by the build from the npm lockfile).
 * Mount {@link #handler()} on {@code /*} after the API routes; it serves {@code index.html} at {@code /}.
 * The page reads only {@code /api/v1/...} on its own origin and loads nothing from elsewhere.
 */
public final class WebUi {

    /** Classpath folder of the assets, relative as Vert.x's {@link StaticHandler} expects. */
    public static final String WEB_ROOT = "io/leakwatch/webui/static";

    /** Short so a new release shows up quickly; the assets are tiny. */
    private static final long MAX_AGE_SECONDS = 60;

    private WebUi() {
    }

    /** A new handler that serves the UI assets, without directory listings or hidden files. */
    public static StaticHandler handler() {
        return StaticHandler.create(WEB_ROOT)
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                .setMaxAgeSeconds(MAX_AGE_SECONDS)
                .setIndexPage("index.html");
    }
}
