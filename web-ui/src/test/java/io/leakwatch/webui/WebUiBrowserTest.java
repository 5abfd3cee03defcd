package io.leakwatch.webui;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The UI in real headless Chromium (Debian packages {@code chromium} and {@code chromium-driver}) against
 * {@link WebUi#handler()} and a canned API: pages load without console errors, charts are drawn by uPlot,
 * a missing analysis endpoint shows "not available yet", and a deep link restores the view. Screenshots go
 * to {@code target/screenshots/}. Skipped, with the reason, where Chromium or chromedriver is absent.
 */
class WebUiBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final List<String> CHART_IDS = List.of("heap", "pools", "metaspace", "threads", "buffers", "rss");

    private static final Pattern EXPECTED_404 = Pattern.compile(
            "/api/v1/(leaks|instances/[^/ ]+/(analysis|attribution))\\?\\S* - Failed to load resource: the server responded with a status of 404");

    private static Vertx vertx;
    private static HttpServer server;
    private static final FakeApi API = new FakeApi();
    private static HeadlessChromium browser;
    private static ChromeDriver driver;
    private static String base;
    /** Chromium logs each 401/403 the token test provokes on purpose. */
    private static volatile boolean expectAuthErrors;
    /** Chromium logs the 400 of the rule edit the rules test makes invalid on purpose. */
    private static volatile boolean expectRejectedRule;

    @BeforeAll
    static void start(@TempDir Path profile) throws Exception {
        HeadlessChromium.assumeInstalled();
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        API.mount(router);
        router.route("/*").handler(WebUi.handler());
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get();
        base = "http://127.0.0.1:" + server.actualPort() + "/";

        browser = HeadlessChromium.start(profile);
        driver = browser.driver();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    @BeforeEach
    void reset() {
        API.reset();
        expectAuthErrors = false;
        expectRejectedRule = false;
        colorScheme("light");
        // A blank page first, so that each test's get() loads the UI afresh even when the hash is the same.
        driver.get("about:blank");
        driver.manage().logs().get(LogType.BROWSER);   // drop what earlier tests logged
    }

    @AfterEach
    void noConsoleErrors() {
        List<String> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage)
                // Chromium logs every 404 it fetches; the analysis endpoints answer 404 on purpose here.
                .filter(m -> !EXPECTED_404.matcher(m).find())
                .filter(m -> API.failingMetric == null || !m.contains("status of 500"))
                .filter(m -> !expectAuthErrors || !(m.contains("status of 401") || m.contains("status of 403")))
                .filter(m -> !expectRejectedRule || !m.contains("/api/v1/rules/heap-leak - Failed to load resource: the server responded with a status of 400"))
                .toList();
        assertThat(errors).as("browser console errors and warnings").isEmpty();
    }

    @Test
    void fleetLeadsToAnInstanceWhoseSignalsAreCharted() throws IOException {
        driver.get(base + "#/");
        WebElement checkout = waitFor(By.cssSelector("#services a[href^='#/service/checkout']"));
        assertThat(driver.findElement(By.id("services")).getText()).contains("checkout", "1.5.0", "1.4.2", "gateway", "2.1.0");
        waitFor(By.cssSelector("#leaks [data-state='unavailable']"));
        assertThat(driver.findElement(By.id("leaks")).getText()).contains("not available yet");
        screenshot("fleet-light");

        checkout.click();
        WebElement instanceLink = waitFor(By.linkText(FakeApi.LEAKING));
        assertThat(driver.getCurrentUrl()).endsWith("#/service/checkout");
        assertThat(driver.findElement(By.id("instances")).getText()).contains("checkout-2", "host-checkout-1", "prod");
        screenshot("service-light");

        instanceLink.click();
        assertChartsDrawn();
        assertThat(driver.getCurrentUrl()).endsWith("#/instance/" + FakeApi.LEAKING);
        waitFor(By.cssSelector("#analysis [data-state='unavailable']"));
        assertThat(driver.findElement(By.id("instance-meta")).getText()).contains("checkout", "1.5.0", "host-checkout-1");

        // The legend shows values in the chart's unit: latest at first, then wherever the cursor is.
        List<String> series = legend("heap");
        assertThat(series).anySatisfy(s -> assertThat(s).startsWith("heap used").contains("MiB"))
                .anySatisfy(s -> assertThat(s).startsWith("after GC (floor)"))
                .anySatisfy(s -> assertThat(s).startsWith("heap limit").contains("1.0 GiB"));
        assertThat(legend("pools")).anySatisfy(s -> assertThat(s).startsWith("G1 Old Gen").contains("MiB"));
        assertThat(legend("threads")).anySatisfy(s -> assertThat(s).startsWith("threads").containsPattern("\\d"));
        WebElement plotArea = driver.findElement(By.cssSelector("#chart-heap .u-over"));
        new Actions(driver).moveToElement(plotArea, -plotArea.getSize().getWidth() / 2 + 5, 0).perform();
        await().atMost(WAIT).untilAsserted(() -> assertThat(legend("heap"))
                .anySatisfy(s -> assertThat(s).startsWith("after GC (floor)").contains("MiB")));
        new Actions(driver).moveByOffset(0, 400).perform();
        screenshot("instance-light");
    }

    @Test
    void aDeepLinkRestoresPageAndRange() {
        driver.get(base + "#/instance/" + FakeApi.LEAKING + "?range=6h&refresh=30s");
        assertChartsDrawn();
        assertThat(driver.findElement(By.cssSelector("#ranges [data-range='6h']")).getDomAttribute("aria-pressed")).isEqualTo("true");
        assertThat(driver.findElement(By.cssSelector("#ranges [data-range='1h']")).getDomAttribute("aria-pressed")).isEqualTo("false");
        assertThat(driver.findElement(By.id("auto-refresh")).getDomAttribute("aria-pressed")).isEqualTo("true");

        driver.findElement(By.cssSelector("#ranges [data-range='24h']")).click();
        await().atMost(WAIT).until(() -> driver.getCurrentUrl().endsWith("#/instance/checkout-1?range=24h&refresh=30s"));
        assertChartsDrawn();
        driver.navigate().refresh();
        assertChartsDrawn();
        assertThat(driver.findElement(By.cssSelector("#ranges [data-range='24h']")).getDomAttribute("aria-pressed")).isEqualTo("true");
    }

    @Test
    void aFailingSignalShowsItsErrorAndDraggingZoomsEveryChart() {
        API.failingMetric = "jvm.thread.count";
        driver.get(base + "#/instance/" + FakeApi.LEAKING);
        WebElement error = waitFor(By.cssSelector("#chart-threads [data-state='error']"));
        assertThat(error.getText()).contains("Could not load threads", "error id 1234abcd");
        await().atMost(WAIT).until(() -> driver.findElements(By.cssSelector("#chart-heap .uplot canvas")).size() == 1);

        WebElement plotArea = driver.findElement(By.cssSelector("#chart-heap .u-over"));
        int width = plotArea.getSize().getWidth();
        new Actions(driver).moveToElement(plotArea, -width / 4, 0).clickAndHold().moveByOffset(width / 4, 0).release().perform();
        await().atMost(WAIT).until(() -> driver.getCurrentUrl().matches(".*#/instance/checkout-1\\?from=\\d+&to=\\d+$"));
        assertThat(driver.findElement(By.cssSelector("#ranges [data-range='1h']")).getDomAttribute("aria-pressed")).isEqualTo("false");
        await().atMost(WAIT).until(() -> driver.findElements(By.cssSelector("#chart-heap .uplot canvas")).size() == 1);
    }

    @Test
    void analysisViewsLightUpWhenTheEndpointExists() {
        API.leaksAvailable = true;
        driver.get(base + "#/");
        WebElement row = waitFor(By.cssSelector("#leaks tr[data-verdict='leak']"));
        assertThat(row.getText()).contains("checkout", "1.5.0", "checkout-1", "heap", "leak", "97", "+450 MiB/h", "90 min");
    }

    @Test
    void anEmptyFleetSaysHowToAttachTheAgent() {
        API.emptyFleet = true;
        driver.get(base + "#/?range=15m");
        await().atMost(WAIT).untilAsserted(() -> assertThat(driver.findElement(By.id("services")).getText())
                .contains("No instance has reported", "java -javaagent:collector/target/leakwatch-agent.jar=service.name=myapp -jar app.jar"));
    }

    @Test
    void darkSchemeIsReadable() throws IOException {
        colorScheme("dark");
        driver.get(base + "#/instance/" + FakeApi.LEAKING);
        assertChartsDrawn();
        assertThat(driver.executeScript("return getComputedStyle(document.body).backgroundColor")).isEqualTo("rgb(20, 23, 29)");
        screenshot("instance-dark");
        driver.get(base + "#/");
        waitFor(By.cssSelector("#leaks [data-state='unavailable']"));
        waitFor(By.cssSelector("#services a"));
        screenshot("fleet-dark");
    }

    @Test
    void a401AsksForATokenWhichIsThenSentAndA403SaysAdminIsNeeded() throws IOException {
        expectAuthErrors = true;
        API.readToken = "read-secret";
        API.adminToken = "admin-secret";
        driver.get(base + "#/");
        WebElement prompt = waitFor(By.id("token-prompt"));
        assertThat(prompt.getText()).contains("needs an API token");
        assertThat(driver.findElement(By.id("token")).getDomAttribute("open")).isNotNull();
        screenshot("token-prompt");
        WebElement input = driver.findElement(By.id("token-input"));
        input.sendKeys("read-secret");
        input.submit();
        waitFor(By.cssSelector("#services a[href^='#/service/checkout']"));
        assertThat(driver.findElement(By.id("token-prompt")).isDisplayed()).isFalse();
        assertThat(API.authorized).contains("GET /api/v1/instances");

        driver.get(base + "#/alerts");
        waitFor(By.cssSelector("#channels button[data-channel='ops-chat']")).click();
        await().atMost(WAIT).untilAsserted(() -> assertThat(driver.findElement(By.cssSelector("#channels .outcome")).getText())
                .contains("needs an admin token"));
        assertThat(API.received).noneMatch(r -> r.startsWith("POST /api/v1/channels"));
        driver.executeScript("sessionStorage.clear()");
    }

    @Test
    void aLeakingInstanceShowsItsForecastVerdictAndWhatIsGrowing() throws IOException {
        API.leaksAvailable = true;
        driver.get(base + "#/service/checkout");
        WebElement bad = waitFor(By.cssSelector("#versions tr[data-version='1.5.0']"));
        assertThat(bad.getDomAttribute("class")).isEqualTo("bad-version");
        assertThat(bad.getText()).contains("leaking");
        assertThat(driver.findElement(By.cssSelector("#versions tr[data-version='1.4.2']")).getDomAttribute("class")).isNull();
        screenshot("service-versions");

        driver.get(base + "#/instance/" + FakeApi.LEAKING);
        assertChartsDrawn();
        await().atMost(WAIT).untilAsserted(() -> assertThat(legend("heap"))
                .anySatisfy(s -> assertThat(s).startsWith("trend"))
                .anySatisfy(s -> assertThat(s).startsWith("forecast").contains("1.0 GiB")));
        assertThat(waitFor(By.id("forecast-note")).getText()).contains("heap limit", "1.0 GiB", "min");
        WebElement verdict = waitFor(By.cssSelector("#analysis tr[data-signal='heap']"));
        assertThat(verdict.getText()).contains("leak", "97", "480 MiB/h", "grows 480 MiB/h", "Mann–Kendall", "points");
        WebElement cls = waitFor(By.cssSelector("#attribution-classes tr[data-class='com.shop.Session']"));
        assertThat(cls.getText()).contains("88", "+42", "81.0 %");
        assertThat(driver.findElement(By.cssSelector("#attribution .tree")).getText())
                .contains("88 × GC root: Class Loader Data / Global Object Handle", "java.util.HashMap via SESSIONS");
        assertThat(driver.findElement(By.id("attribution")).getText()).contains("com.shop.SessionCache.open(SessionCache.java:42)");
        screenshot("instance-analysis");

        // Clicking the option, not typing: a select's type-ahead resets between slow keystrokes on a loaded machine
        driver.findElement(By.cssSelector("#baseline option[value='6h']")).click();
        await().atMost(WAIT).until(() -> driver.getCurrentUrl().endsWith("#/instance/checkout-1?baseline=6h"));
        waitFor(By.cssSelector("#attribution-classes tr[data-class='com.shop.Session']"));
        assertThat(driver.executeScript("return document.getElementById('baseline').value")).isEqualTo("6h");

        driver.get(base + "#/instance/checkout-2");
        assertThat(waitFor(By.cssSelector("#attribution [data-state='empty']")).getText()).contains("jfr.enabled");
    }

    @Test
    void theAlertsPageListsFiringAlertsAndCreatesAndExpiresASilence() throws IOException {
        driver.get(base + "#/alerts");
        WebElement firing = waitFor(By.cssSelector("#alerts-current tr[data-status='firing']"));
        assertThat(firing.getText()).contains("firing", "critical", "heap-leak", "checkout", "1.5.0", "exhausted in 90 min");
        assertThat(driver.findElement(By.id("rules")).getText()).contains("heap-leak", "verdict ∈ leak", "confidence ≥ 80");
        assertThat(driver.findElement(By.id("channels")).getText()).contains("ops-chat", "delivered (200)");
        assertThat(driver.findElement(By.id("alerts-history")).getText()).contains("pending", "firing");

        driver.findElement(By.id("silence-matchers")).sendKeys("service=checkout, signal=heap");
        WebElement duration = driver.findElement(By.id("silence-duration"));
        duration.clear();
        duration.sendKeys("2h");
        driver.findElement(By.id("silence-comment")).sendKeys("fix deploying");
        driver.findElement(By.cssSelector("#silence-form button[type='submit']")).click();
        await().atMost(WAIT).untilAsserted(() -> assertThat(API.received).anySatisfy(r -> {
            assertThat(r).startsWith("POST /api/v1/silences ");
            assertThat(new io.vertx.core.json.JsonObject(r.substring("POST /api/v1/silences ".length()))).isEqualTo(
                    new io.vertx.core.json.JsonObject().put("matchers", new io.vertx.core.json.JsonArray()
                            .add("service=checkout").add("signal=heap")).put("duration", "2h").put("comment", "fix deploying"));
        }));
        WebElement expire = waitFor(By.cssSelector("#silences button[data-silence='s1']"));
        assertThat(driver.findElement(By.id("silences")).getText()).contains("service=checkout, signal=heap", "fix deploying");
        screenshot("alerts");
        expire.click();
        await().atMost(WAIT).untilAsserted(() -> assertThat(API.received).anySatisfy(r -> assertThat(r).startsWith("DELETE /api/v1/silences/s1")));
        waitFor(By.cssSelector("#silences [data-state='empty']"));
    }

    @Test
    void anAdminCreatesEditsDisablesAndDeletesRules() throws IOException {
        expectRejectedRule = true;
        driver.get(base + "#/alerts");
        waitFor(By.cssSelector("#rules tr[data-rule='heap-leak']"));
        assertThat(driver.findElement(By.id("channels-note")).getText()).contains("configured in the server's environment", "Send test");

        driver.findElement(By.cssSelector("[data-rule-toggle='heap-leak']")).click();
        await().atMost(WAIT).untilAsserted(() -> assertThat(API.received).anySatisfy(r -> {
            assertThat(r).startsWith("PUT /api/v1/rules/heap-leak ");
            io.vertx.core.json.JsonObject sent = new io.vertx.core.json.JsonObject(r.substring("PUT /api/v1/rules/heap-leak ".length()));
            assertThat(sent.getBoolean("enabled")).isFalse();
            assertThat(sent.copy().put("enabled", true)).isEqualTo(FakeApi.HEAP_RULE);
        }));
        await().atMost(WAIT).untilAsserted(() -> assertThat(driver.findElement(By.cssSelector("#rules tr[data-rule='heap-leak']"))
                .getDomAttribute("class")).isEqualTo("disabled"));

        // An edit the server rejects shows its reason and keeps the editor open.
        waitFor(By.cssSelector("[data-rule-edit='heap-leak']")).click();
        WebElement text = waitFor(By.id("rule-text"));
        assertThat(text.getDomProperty("value")).contains("\"id\": \"heap-leak\"", "\"enabled\": false");
        setRuleText(text.getDomProperty("value").replace("\"critical\"", "\"urgent\""));
        driver.findElement(By.cssSelector("#rule-form button[type='submit']")).click();
        await().atMost(WAIT).untilAsserted(() -> assertThat(driver.findElement(By.id("rule-status")).getText())
                .contains("Could not save the rule", "unknown severity 'urgent'"));
        assertThat(driver.findElement(By.id("rule-form")).isDisplayed()).isTrue();
        setRuleText(text.getDomProperty("value").replace("\"urgent\"", "\"warning\""));
        driver.findElement(By.cssSelector("#rule-form button[type='submit']")).click();
        await().atMost(WAIT).untilAsserted(() -> assertThat(driver.findElement(By.cssSelector("#rules tr[data-rule='heap-leak']"))
                .getText()).contains("warning"));

        driver.findElement(By.id("rule-new")).click();
        assertThat(waitFor(By.id("rule-text")).getDomProperty("value")).contains("my-service-heap");
        driver.findElement(By.cssSelector("#rule-form button[type='submit']")).click();
        WebElement created = waitFor(By.cssSelector("#rules tr[data-rule='my-service-heap']"));
        assertThat(created.getText()).contains("critical", "verdict ∈ leak", "service=my-service");
        assertThat(driver.findElement(By.id("rule-form")).isDisplayed()).isFalse();
        screenshot("alerts-rules");

        // Deleting takes a second click.
        WebElement delete = driver.findElement(By.cssSelector("[data-rule-delete='my-service-heap']"));
        delete.click();
        assertThat(delete.getText()).isEqualTo("Confirm delete");
        assertThat(API.received).noneMatch(r -> r.startsWith("DELETE"));
        delete.click();
        await().atMost(WAIT).until(() -> driver.findElements(By.cssSelector("#rules tr[data-rule='my-service-heap']")).isEmpty());
        assertThat(API.received).anySatisfy(r -> assertThat(r).startsWith("DELETE /api/v1/rules/my-service-heap"));
    }

    @Test
    void theFleetSortsFiltersByEnvironmentAndDrawsASparklinePerService() throws IOException {
        API.leaksAvailable = true;
        driver.get(base + "#/");
        waitFor(By.cssSelector("#services tr[data-service='gateway']"));
        WebElement checkout = waitFor(By.cssSelector("#services tr[data-service='checkout']"));
        assertThat(checkout.getText()).contains("1.5.0, 1.4.2", "2", "1 leak", "90 min");
        await().atMost(WAIT).until(() -> driver.findElements(By.cssSelector("#services [data-spark='checkout'] canvas")).size() == 1);
        assertThat(driver.findElement(By.cssSelector("#services [data-spark='checkout']")).getDomAttribute("title"))
                .startsWith("Heap after GC, summed over 2 instances");
        assertThat(serviceOrder()).containsExactly("checkout", "gateway");

        driver.findElement(By.cssSelector("#services button[data-sort='service']")).click();
        await().atMost(WAIT).until(() -> serviceOrder().equals(List.of("gateway", "checkout")));
        assertThat(driver.getCurrentUrl()).endsWith("#/?sort=-service");
        driver.findElement(By.cssSelector("#services button[data-sort='exhaustion']")).click();
        await().atMost(WAIT).until(() -> serviceOrder().equals(List.of("checkout", "gateway")));
        assertThat(driver.findElement(By.cssSelector("#services th[aria-sort='ascending']")).getText()).contains("Worst exhaustion");

        WebElement env = waitFor(By.id("env-filter"));
        assertThat(env.findElements(By.tagName("option"))).extracting(WebElement::getText).containsExactly("all", "prod", "staging");
        env.findElement(By.cssSelector("option[value='staging']")).click();
        await().atMost(WAIT).until(() -> serviceOrder().equals(List.of("gateway")));
        assertThat(driver.getCurrentUrl()).endsWith("#/?env=staging&sort=exhaustion");
        screenshot("fleet-sorted");

        // The URL restores filter and sort.
        driver.navigate().refresh();
        await().atMost(WAIT).ignoreExceptions().until(() -> serviceOrder().equals(List.of("gateway")));
        WebElement filter = driver.findElement(By.id("filter"));
        driver.findElement(By.cssSelector("#env-filter option[value='']")).click();
        filter.sendKeys("check");
        await().atMost(WAIT).until(() -> serviceOrder().equals(List.of("checkout")));
    }

    @Test
    void theEnvironmentFilterIsHiddenWhenNoEnvironmentIsKnown() {
        API.noEnvironments = true;
        driver.get(base + "#/");
        waitFor(By.cssSelector("#services tr[data-service='checkout']"));
        assertThat(driver.findElement(By.id("env-filter-label")).isDisplayed()).isFalse();
    }

    private static List<String> serviceOrder() {
        return driver.findElements(By.cssSelector("#services tbody tr")).stream().map(r -> r.getDomAttribute("data-service")).toList();
    }

    private static void setRuleText(String json) {
        driver.executeScript("document.getElementById('rule-text').value = arguments[0]", json);
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
        return await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(by), e -> e.isDisplayed());
    }

    /** Emulates the operating system's light or dark preference, as prefers-color-scheme sees it. */
    private static void colorScheme(String scheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }
}
