package io.brinjal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brinjal.support.Browser;
import io.brinjal.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * {@code /docs} in a real browser: Swagger UI from the jar loads the server's document under the
 * page's Content-Security-Policy, an operation expands, and "Try it out" runs a request against
 * the server with the token. Screenshots go to {@code target/screenshots/}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DocsBrowserTest {
  private static final String TOKEN = "docs-browser-token-0123456789";
  private static Browser browser;

  @BeforeAll
  static void startBrowser(@TempDir Path profile) {
    Browser.assumeInstalled();
    browser = Browser.start(profile);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) browser.close();
  }

  @Test
  void theDocsPageAsksForTheTokenThenRunsARequestFromAnExpandedOperation(Vertx vertx) {
    TestServer server = TestServer.start(vertx,
        "{\"http\": {\"prefix\": \"/api/tasks\"}, \"auth\": {\"token\": \"" + TOKEN + "\"}}");
    browser.open("about:blank");
    browser.networkEvents(); // forget the browser's own start page
    browser.consoleErrors();
    browser.open(server.url("/api/tasks/docs"));

    // the document needs the token: the page asks for it before Swagger UI starts
    WebElement tokenInput = awaitVisible("form.token input[name=token]");
    tokenInput.sendKeys(TOKEN);
    browser.driver().findElement(By.cssSelector("form.token button")).click();

    // the operations come from the server's document, under their tags
    WebElement operation = awaitVisible("#operations-server-listTaskTypes");
    assertTrue(browser.driver().findElements(By.cssSelector("#operations-tasks-createExampleCPUTask")).size() == 1,
        "each registered task type has its create operation");
    operation.findElement(By.cssSelector(".opblock-summary-control")).click();
    awaitVisible("#operations-server-listTaskTypes .try-out__btn").click();
    awaitVisible("#operations-server-listTaskTypes .execute").click();

    String status = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> text("#operations-server-listTaskTypes .live-responses-table tbody .response-col_status"), s -> !s.isEmpty());
    assertEquals("200", status, "the request carried the token");
    String body = text("#operations-server-listTaskTypes .live-responses-table tbody .response-col_description pre");
    assertTrue(body.contains("\"route\": \"example_cpu_task\""), body);
    browser.screenshot("docs-try-it-out");

    List<String> errors = browser.consoleErrors();
    assertTrue(errors.stream().noneMatch(e -> e.contains("Content Security Policy")), "CSP violations: " + errors);
    browser.assertAllRequestsStayedLocal();
  }

  private static WebElement awaitVisible(String css) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
      List<WebElement> found = browser.driver().findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    }, e -> e != null);
  }

  private static String text(String css) {
    List<WebElement> found = browser.driver().findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.get(0).getText().trim();
  }
}
