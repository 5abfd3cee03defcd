package io.leakwatch.webui;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar carries the page and everything it references, and the page stays dependency-free. */
class WebUiAssetsTest {

    private static String asset(String name) throws IOException {
        try (InputStream in = WebUi.class.getClassLoader().getResourceAsStream(WebUi.WEB_ROOT + "/" + name)) {
            assertThat(in).as("asset %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void indexReferencesOnlyBundledAssets() throws IOException {
        String index = asset("index.html");
        assertThat(index).contains("<title>LeakWatch</title>", "src=\"app.js\"", "href=\"style.css\"");
        assertThat(index).doesNotContain("http://", "https://");
        assertThat(asset("app.js")).isNotBlank();
        assertThat(asset("style.css")).contains("prefers-color-scheme: dark");
    }

    @Test
    void emptyStateSaysHowToAttachTheAgent() throws IOException {
        assertThat(asset("index.html")).contains("java -javaagent:collector/target/leakwatch-agent.jar -jar app.jar");
    }

    @Test
    void scriptReadsTheApiAndNeverInjectsHtml() throws IOException {
        String js = asset("app.js");
        assertThat(js).contains("/api/v1/instances", "/api/v1/series", "jvm.memory.used_after_last_gc");
        // Data from the API reaches the page only as text nodes.
        assertThat(js).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
    }

    @Test
    void handlerIsCreated() {
        assertThat(WebUi.handler()).isNotNull();
    }
}
