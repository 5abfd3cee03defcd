package io.leakwatch.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.bench.traces.TraceReplayer;
import io.leakwatch.testing.RecordedTraces;
import io.leakwatch.webui.HeadlessChromium;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The web UI end to end, as an operator meets it: a running standalone (embedded store, real ingest, real
 * analysis and alerting) fed a recorded leaking trace from the scenario zoo over OTLP/HTTP, browsed in real
 * headless Chromium. Each page loads without console errors; the leaking instance shows its forecast line and
 * its {@code leak} verdict; a deep link restores the view; a silence is created and expired. A screenshot of
 * each page goes to {@code target/screenshots/standalone-*.png}. Skipped, with the reason, where Chromium or
 * chromedriver is absent (Debian packages {@code chromium} and {@code chromium-driver}; {@code CHROMIUM_BIN}
 * and {@code CHROMEDRIVER_BIN} override the paths).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneUiBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** Generous: the analysis pages analyse the whole 2.5 h trace on a small shared machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NO_JFR_YET = Pattern.compile(
            "/api/v1/instances/[^/ ]+/attribution\\?\\S* - Failed to load resource: the server responded with a status of 404");

    /** A heap leak recorded over 5 minutes at 1 s; stretched 30× it stands for 2.5 h of a leaking service. */
    private static final String SCENARIO = "static-map";
    private static final double STRETCH = 30;
    private static final List<String> CHART_IDS = List.of("heap", "pools", "metaspace", "threads", "buffers", "rss");

    private static RecordedTraces.Label label;
    private static Standalone standalone;
    private static HeadlessChromium browser;
    private static ChromeDriver driver;
    private static String base;

    @BeforeAll
    static void start(@TempDir Path dataDir, @TempDir Path profile) throws Exception {
        HeadlessChromium.assumeInstalled();
        label = RecordedTraces.label(SCENARIO);
        assertThat(label.isLeak()).as("the scenario is a recorded leak").isTrue();
        // Production analysis (60 min minimum window); self-telemetry off so the fleet holds only the trace.
        standalone = Standalone.start(new StandaloneConfig(dataDir, "127.0.0.1", 0, 0, 0, "", "leakwatch.metrics",
                "ui-e2e", null, "", "default", "", "default", Duration.ofMinutes(60), false, "", "off"),
                new PrintStream(OutputStream.nullOutputStream()));
        // As the agent would send it (gzip'd protobuf), times stretched so the last request lands now.
        TraceReplayer.replayOverHttp(SCENARIO, new TraceReplayer.Options(STRETCH, System.currentTimeMillis(), null),
                URI.create("http://127.0.0.1:" + standalone.otlpPort() + "/v1/metrics"));
        base = "http://127.0.0.1:" + standalone.httpPort() + "/";

        browser = HeadlessChromium.start(profile);
        driver = browser.driver();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (standalone != null) {
            standalone.close();
        }
    }

    @BeforeEach
    void blank() {
        // A blank page first, so that each test's get() loads the UI afresh even when the hash is the same.
        driver.get("about:blank");
        driver.manage().logs().get(LogType.BROWSER);
    }

    @AfterEach
    void noConsoleErrors() {
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                // Chromium logs every 404 it fetches; the attribution endpoint answers 404 for an instance that
                // never sent a JFR snapshot (the replayed trace holds metrics only), and the page says so.
                .filter(m -> !NO_JFR_YET.matcher(m).find())
                .toList();
        assertThat(errors).as("browser console errors and warnings").isEmpty();
    }

    @Test
    @Order(1)
    void theApiSeesTheReplayedLeak() throws Exception {
        // The page assertions below are only meaningful if the analysis itself calls the trace a leak.
        JsonNode analysis = get("/api/v1/instances/" + label.instanceId() + "/analysis?window=6h");
        assertThat(analysis.toString()).contains("\"signal\":\"heap\"");
        JsonNode heap = null;
        for (JsonNode s : analysis.get("signals")) {
            if (s.get("signal").asText().equals("heap")) {
                heap = s;
            }
        }
        assertThat(heap).isNotNull();
        assertThat(heap.get("verdict").asText()).as(heap.toString()).isEqualTo("leak");
        // Both rankings the pages show: the service's and the fleet's.
        assertThat(get("/api/v1/leaks?window=6h&service=" + label.serviceName()).get("items").findValuesAsText("instance"))
                .as("service-scoped ranking").contains(label.instanceId());
        // The alert scheduler ranks the fleet over the same 6 h window from start-up, possibly while the replay was
        // still running, and the ranking is cached for 30 s (AnalysisService.Settings.DEFAULTS): wait that out.
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(get("/api/v1/leaks?window=6h").get("items").findValuesAsText("instance"))
                        .as("fleet-wide ranking").contains(label.instanceId()));
    }

    @Test
    @Order(2)
    void theFleetListsTheLeakingServiceAndItsSuspect() throws IOException {
        driver.get(base + "#/?range=6h");
        waitFor(By.cssSelector("#services a[href^='#/service/" + label.serviceName() + "']"));
        WebElement suspect = waitFor(By.cssSelector("#leaks tr[data-verdict='leak']"));
        assertThat(suspect.getText()).contains(label.serviceName(), label.instanceId(), "heap", "leak");
        screenshot("standalone-fleet");
    }

    @Test
    @Order(3)
    void theServicePageListsItsLeakingInstance() throws IOException {
        driver.get(base + "#/service/" + label.serviceName() + "?range=6h");
        waitFor(By.linkText(label.instanceId()));
        assertThat(driver.findElement(By.id("instances")).getText()).contains(label.instanceId(), "rec");
        WebElement suspect = waitFor(By.cssSelector("#leaks tr[data-verdict='leak']"));
        assertThat(suspect.getText()).contains(label.instanceId(), "heap", "leak");
        // Its one version is the leaking one.
        assertThat(waitFor(By.cssSelector("#versions tr[data-version='rec']")).getDomAttribute("class")).isEqualTo("bad-version");
        screenshot("standalone-service");
    }

    @Test
    @Order(4)
    void aDeepLinkOpensTheLeakingInstanceWithItsForecastAndVerdict() throws IOException {
        driver.get(base + "#/instance/" + label.instanceId() + "?range=6h");
        assertChartsDrawn();
        assertThat(driver.findElement(By.cssSelector("#ranges [data-range='6h']")).getDomAttribute("aria-pressed")).isEqualTo("true");
        await().atMost(WAIT).untilAsserted(() -> assertThat(legend("heap"))
                .anySatisfy(s -> assertThat(s).startsWith("trend"))
                .anySatisfy(s -> assertThat(s).startsWith("forecast")));
        assertThat(waitFor(By.id("forecast-note")).getText()).contains("heap limit");
        WebElement verdict = waitFor(By.cssSelector("#analysis tr[data-signal='heap']"));
        assertThat(verdict.getText()).contains("leak");
        assertThat(driver.findElement(By.id("instance-meta")).getText()).contains(label.serviceName());
        assertThat(waitFor(By.cssSelector("#attribution [data-state='empty']")).getText()).contains("No JFR recording");
        screenshot("standalone-instance");

        // The same link after a reload: the view comes back from the URL alone.
        driver.navigate().refresh();
        assertChartsDrawn();
        assertThat(driver.getCurrentUrl()).endsWith("#/instance/" + label.instanceId() + "?range=6h");
        assertThat(driver.findElement(By.cssSelector("#ranges [data-range='6h']")).getDomAttribute("aria-pressed")).isEqualTo("true");
        waitFor(By.cssSelector("#analysis tr[data-signal='heap']"));
    }

    @Test
    @Order(5)
    void aSilenceIsCreatedAndExpiredOnTheAlertsPage() throws Exception {
        driver.get(base + "#/alerts?range=6h");
        waitFor(By.cssSelector("#silences [data-state='empty']"));
        waitFor(By.cssSelector("#rules table"));
        driver.findElement(By.id("silence-matchers")).sendKeys("service=" + label.serviceName() + ", signal=heap");
        WebElement duration = driver.findElement(By.id("silence-duration"));
        duration.clear();
        duration.sendKeys("2h");
        driver.findElement(By.id("silence-comment")).sendKeys("fix deploying");
        driver.findElement(By.cssSelector("#silence-form button[type='submit']")).click();

        WebElement expire = waitFor(By.cssSelector("#silences button[data-silence]"));
        // The server stores matchers in their canonical, quoted form.
        assertThat(driver.findElement(By.id("silences")).getText())
                .contains("service=\"" + label.serviceName() + "\", signal=\"heap\"", "fix deploying");
        JsonNode stored = get("/api/v1/silences").get("items");
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).get("comment").asText()).isEqualTo("fix deploying");
        screenshot("standalone-alerts");

        expire.click();
        waitFor(By.cssSelector("#silences [data-state='empty']"));
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode items = get("/api/v1/silences").get("items");
            assertThat(items).allSatisfy(s -> assertThat(s.path("expired").asBoolean(true)).isTrue());
        });
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base.replaceAll("/$", "") + path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path + " -> " + response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        }
    }

    private static void assertChartsDrawn() {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            for (String id : CHART_IDS) {
                WebElement card = driver.findElement(By.id("chart-" + id));
                assertThat(card.getDomAttribute("aria-busy")).as(id).isEqualTo("false");
                assertThat(card.findElements(By.cssSelector(".uplot canvas"))).as("uPlot canvas of %s", id).hasSize(1);
            }
        });
    }

    private static List<String> legend(String chart) {
        return driver.findElements(By.cssSelector("#chart-" + chart + " .u-legend .u-series")).stream()
                .map(e -> e.getText().replace('\n', ' ').trim())
                .toList();
    }

    private static WebElement waitFor(By by) {
        return await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(by), WebElement::isDisplayed);
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }
}
