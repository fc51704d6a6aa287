package io.brinjal.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brinjal.json.Json;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's headless {@code chromium} driven through Debian's {@code chromedriver}: nothing is
 * downloaded (both paths are given, so Selenium Manager never runs) and the browser resolves no
 * host name, so a page that needed a CDN would break here. CI installs both packages; elsewhere
 * browser tests are skipped when they are missing (but never under CI, where that is a failure).
 */
public final class Browser implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  public static void assumeInstalled() {
    if (System.getenv("CI") != null) return;
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium and chromium-driver are not installed");
  }

  public static Browser start(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,1000", "--force-device-scale-factor=1", "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--lang=en-US");
    // the network log: which connections the page opened, and that all of them were local
    options.setCapability("goog:loggingPrefs", Map.of("performance", "ALL", "browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .withLogOutput(java.io.OutputStream.nullOutputStream())
        .build();
    return new Browser(new ChromeDriver(service, options));
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Runs {@code script} in the page; {@code root} is the first task-list's shadow root. */
  public Object inComponent(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(
        "const host = document.querySelector('task-list'); const root = host && host.shadowRoot;\n" + script, args);
  }

  public String text(String script, Object... args) {
    Object value = inComponent(script, args);
    return value == null ? null : value.toString();
  }

  /** The component's shadow root, for real clicks and typing. */
  public SearchContext component() {
    return driver.findElement(By.cssSelector("task-list")).getShadowRoot();
  }

  public WebElement find(String css) {
    return component().findElement(By.cssSelector(css));
  }

  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** DevTools network events since the last call: method and params of each. */
  public List<JsonNode> networkEvents() {
    List<JsonNode> out = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      try {
        JsonNode message = Json.MAPPER.readTree(entry.getMessage()).path("message");
        if (message.path("method").asText().startsWith("Network.")) out.add(message);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** Every request the page made since the last look went to this machine: nothing came from a CDN. */
  public void assertAllRequestsStayedLocal() {
    for (JsonNode event : networkEvents()) {
      String url = event.path("params").path("request").path("url").asText("");
      if (url.isEmpty()) url = event.path("params").path("url").asText("");
      if (url.isEmpty() || url.startsWith("data:") || url.startsWith("about:")) continue;
      assertTrue(url.startsWith("http://127.0.0.1:") || url.startsWith("ws://127.0.0.1:"), "the page fetched " + url);
    }
  }

  /** The console's errors since the last call (Content-Security-Policy violations among them). */
  public List<String> consoleErrors() {
    List<String> out = new ArrayList<>();
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) out.add(entry.getMessage());
    }
    return out;
  }

  @Override
  public void close() {
    driver.quit();
  }
}
