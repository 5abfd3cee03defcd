package io.leakwatch.webui;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar carries the page, its scripts and the charting library, and the page loads nothing from elsewhere. */
class WebUiAssetsTest {

    /** Every script of the page; a new one belongs here so the no-HTML-injection check covers it. */
    private static final List<String> SCRIPTS = List.of("app.js", "js/api.js", "js/charts.js", "js/dom.js",
            "js/format.js", "js/route.js", "js/pages/fleet.js", "js/pages/service.js", "js/pages/instance.js",
            "js/pages/leaks.js", "js/pages/alerts.js");

    private static String asset(String name) throws IOException {
        try (InputStream in = WebUi.class.getClassLoader().getResourceAsStream(WebUi.WEB_ROOT + "/" + name)) {
            assertThat(in).as("asset %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void indexReferencesOnlyBundledAssetsUnderAStrictPolicy() throws IOException {
        String index = asset("index.html");
        assertThat(index).contains("<title>LeakWatch</title>", "type=\"module\" src=\"app.js\"", "href=\"style.css\"",
                "src=\"vendor/uplot/uPlot.iife.min.js\"", "href=\"vendor/uplot/uPlot.min.css\"");
        assertThat(index).contains("default-src 'self'; script-src 'self'; style-src 'self'");
        assertThat(index).doesNotContain("http://", "https://", "unsafe-inline", "unsafe-eval", "style=\"", "<script>");
        assertThat(asset("style.css")).contains("prefers-color-scheme: dark", ":focus-visible");
    }

    @Test
    void theBuildBundlesUplotFromTheLockfile() throws IOException {
        assertThat(asset("vendor/uplot/uPlot.iife.min.js")).contains("uPlot");
        assertThat(asset("vendor/uplot/uPlot.min.css")).contains(".uplot");
        assertThat(asset("vendor/uplot/LICENSE")).contains("MIT");
    }

    @Test
    void emptyStateSaysHowToAttachTheAgent() throws IOException {
        assertThat(asset("index.html"))
                .contains("java -javaagent:collector/target/leakwatch-agent.jar=service.name=myapp -jar app.jar");
    }

    @Test
    void scriptsReadTheApiAndNeverInjectHtml() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String script : SCRIPTS) {
            String js = asset(script);
            // Data from the API reaches the page only as text nodes and attribute values.
            assertThat(js).as(script)
                    .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function");
            all.append(js);
        }
        assertThat(all).contains("/api/v1/instances", "/api/v1/series", "/api/v1/leaks", "/analysis", "/attribution", "/api/v1/silences", "Authorization",
                "jvm.memory.used_after_last_gc", "jvm.thread.count", "jvm.buffer.memory.used", "process.memory.usage");
    }

    @Test
    void handlerIsCreated() {
        assertThat(WebUi.handler()).isNotNull();
    }
}
