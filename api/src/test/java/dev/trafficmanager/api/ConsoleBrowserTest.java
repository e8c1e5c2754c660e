package dev.trafficmanager.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trafficmanager.api.console.ConsoleSettings;
import dev.trafficmanager.testkit.SharedServers;
import dev.trafficmanager.testkit.TestEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The console in a real browser: an operator finds routes, opens one's history, watches the
 * pipeline and finds a parked record with the command that re-applies it. Each page is saved as a
 * screenshot under {@code target/screenshots/}.
 */
@ExtendWith(SharedServers.class)
class ConsoleBrowserTest {
  private static final Duration PAGE = Duration.ofSeconds(20);
  private static final String TENANT = "console";

  private static TestEnvironment env;
  private static RunningApi running;
  private static HeadlessChromium chromium;
  private static String base;

  @BeforeAll
  static void start(TestEnvironment environment) {
    env = environment;
    env.createTopics();
    // The shortest stall threshold there is, so that the pipeline page shows a stall at once.
    running = RunningApi.start(env.with(Map.of(ConsoleSettings.STALL_AFTER, "1s")));
    base = "http://localhost:" + running.api().httpPort();
    ApiClient client = running.client();
    for (String service : List.of("checkout", "payments", "search")) {
      client.post(
          "/api/v1/routes",
          ApiClient.route(TENANT, service, "prod", "v1", "https://" + service + ".example"));
    }
    client.put(
        "/api/v1/routes/" + TENANT + "/checkout/prod/v1",
        ApiClient.url("https://checkout-v2.example"));
    Instant created = Instant.now().minus(1, ChronoUnit.HOURS);
    AuditRows audit = new AuditRows(env.jdbi());
    audit.insert(
        TENANT, "checkout", 1, "created", null, null, "https://checkout.example", true, created);
    audit.insert(
        TENANT,
        "checkout",
        2,
        "url_changed",
        "https://checkout.example",
        true,
        "https://checkout-v2.example",
        true,
        created.plusSeconds(60));
    PipelineFixtures fixtures = new PipelineFixtures(env);
    fixtures.parkAuditLogRecord(TENANT + "/checkout/prod/v1", 1, 41, "audit_log is read-only");
    // audit-log is 3 records behind and commits no more, as a consumer paused for retries.
    fixtures.writeRouteChanges(5);
    fixtures.commitConsumerOffset("audit-log", 2);
    chromium = HeadlessChromium.start();
  }

  /** Enters the admin token in the console's token field, as an operator does once per tab. */
  private static void signIn(WebDriver browser) {
    browser.get(base + "/console");
    WebElement field = browser.findElement(By.id("token"));
    field.clear();
    field.sendKeys(running.adminToken());
    field.submit();
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    running.close();
  }

  @Test
  void anOperatorFindsRoutesAndOpensOnesHistory() {
    WebDriver browser = chromium.driver();
    signIn(browser);
    browser.get(base + "/console#/routes");
    browser.findElement(By.id("tenant")).sendKeys(TENANT);
    browser.findElement(By.cssSelector("#route-search button")).click();

    List<String> routes = columnOnceShown(browser, "routes", 0);
    assertThat(routes)
        .containsExactly(
            TENANT + "/checkout/prod/v1", TENANT + "/payments/prod/v1", TENANT + "/search/prod/v1");
    chromium.screenshot("console-routes");

    browser.findElement(By.id("search")).sendKeys("pay");
    browser.findElement(By.cssSelector("#route-search button")).click();
    await()
        .atMost(PAGE)
        .untilAsserted(
            () ->
                assertThat(column(browser, "routes", 0))
                    .containsExactly(TENANT + "/payments/prod/v1"));
    chromium.screenshot("console-routes-search");

    browser.get(base + "/console#/routes?tenant=" + TENANT);
    columnOnceShown(browser, "routes", 0);
    browser.findElement(By.linkText(TENANT + "/checkout/prod/v1")).click();
    List<String> revisions = columnOnceShown(browser, "history", 0);
    assertThat(revisions).containsExactly("2", "1");
    assertThat(column(browser, "history", 1)).containsExactly("url_changed", "created");
    assertThat(column(browser, "route-state", 0)).containsExactly("https://checkout-v2.example");
    chromium.screenshot("console-route-history");
  }

  @Test
  void thePipelinePageShowsEachStageAndLeadsToAParkedRecord() {
    WebDriver browser = chromium.driver();
    signIn(browser);
    browser.get(base + "/console#/pipeline");

    assertThat(columnOnceShown(browser, "groups", 0))
        .containsExactly("processor", "cache-invalidation", "cache-warming", "audit-log");
    String auditDlq = env.topics().consumerDlq("audit-log").name();
    assertThat(column(browser, "dead-letter-topics", 0)).contains(auditDlq);
    assertThat(column(browser, "bulkheads", 0)).contains("writes", "reads", "audit");
    // The page refreshes every 2 s; the API calls the group stalled once it saw it stand still 1 s.
    await("audit-log shown stalled")
        .atMost(PAGE)
        .ignoreException(StaleElementReferenceException.class)
        .untilAsserted(
            () -> {
              assertThat(column(browser, "groups", 4).get(3)).isEqualTo("3");
              assertThat(column(browser, "groups", 5).get(3)).matches("stalled \\d+ s");
            });
    chromium.screenshot("console-pipeline");

    browser.findElement(By.linkText(auditDlq)).click();
    columnOnceShown(browser, "dead-letters", 0);
    assertThat(column(browser, "dead-letters", 1)).containsExactly(TENANT + "/checkout/prod/v1");
    assertThat(column(browser, "dead-letters", 2).get(0))
        .contains("dlq-exception-message: audit_log is read-only", "dlq-original-offset: 41");
    assertThat(browser.findElement(By.cssSelector("#dead-letters code.replay")).getText())
        .isEqualTo(
            "java -jar traffic-manager.jar replay --group "
                + env.kafka().groupId("tm-audit-log")
                + " --topic "
                + env.topics().routeChanges().name()
                + ":1 --to-offset 41 --execute");
    chromium.screenshot("console-dead-letters");
  }

  private static List<String> columnOnceShown(WebDriver browser, String table, int column) {
    await()
        .atMost(PAGE)
        .until(() -> !browser.findElements(By.cssSelector("#" + table + " tbody tr")).isEmpty());
    return column(browser, table, column);
  }

  private static List<String> column(WebDriver browser, String table, int column) {
    return browser.findElements(By.cssSelector("#" + table + " tbody tr")).stream()
        .map(row -> row.findElements(By.tagName("td")).get(column))
        .map(WebElement::getText)
        .toList();
  }
}
