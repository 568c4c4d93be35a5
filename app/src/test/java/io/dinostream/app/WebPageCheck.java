package io.dinostream.app;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web page in Debian's headless Chromium, driven through its chromedriver (Selenium): enter the API
 * key, upload an image and see that same image first, with its score and thumbnail; drop the same file on
 * the drop zone; click a result to search by it; read the status panel. Leaves a screenshot in
 * {@code app/target/web-page.png}. Nothing is downloaded: the browser and driver are the Debian packages.
 */
final class WebPageCheck {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private WebPageCheck() {}

    /**
     * @param image a file holding an image that is indexed under {@code expectedFirstId}
     * @param expectedIndexSize what the status panel must report
     * @param minDeadLetters the least dead-letter count the status panel must report
     */
    static void uploadAndSeeItFirst(
            int port, String apiKey, Path image, String expectedFirstId, long expectedIndexSize, long minDeadLetters)
            throws Exception {
        assertTrue(
                new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "the web page test needs Debian's chromium and chromium-driver (scripts/ensure-system-deps.sh)");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments(
                        "--headless=new",
                        "--no-sandbox", // CI runs as root
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--window-size=1280,1000");
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.get("http://127.0.0.1:" + port + "/");

            // The status panel: index size, the active model and the dead-letter count.
            String status = waitFor("the status panel", () -> {
                String text = driver.findElement(By.id("health")).getText();
                return text.contains(expectedIndexSize + " images indexed") && text.contains("dead letters")
                        ? text
                        : null;
            });
            assertTrue(status.contains("model "), status);
            long deadLetters = Long.parseLong(status.replaceAll(".* (\\d+) dead letters.*", "$1"));
            assertTrue(deadLetters >= minDeadLetters, status);

            WebElement key = driver.findElement(By.id("api-key"));
            key.sendKeys(apiKey, Keys.TAB);

            // Upload through the file input (what clicking the drop zone opens).
            driver.findElement(By.id("file-input"))
                    .sendKeys(image.toAbsolutePath().toString());
            List<String> first = firstCard(driver, expectedFirstId, null);
            assertTrue(Double.parseDouble(first.get(1)) >= 0.999, "score of the image itself: " + first);
            String info = driver.findElement(By.id("results-info")).getText();
            assertTrue(info.contains("model "), info);

            // Drop the same file on the drop zone: the drop handler searches with it as well.
            ((JavascriptExecutor) driver)
                    .executeScript("document.getElementById('grid').replaceChildren();"
                            + "const dt = new DataTransfer(); dt.items.add(document.getElementById('file-input').files[0]);"
                            + "document.getElementById('drop-zone').dispatchEvent("
                            + "new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));");
            firstCard(driver, expectedFirstId, null);

            // Click the first result: the page searches by it, and the image itself is left out.
            driver.findElements(By.cssSelector("#grid .card")).get(0).click();
            waitFor("the query caption to name the clicked image", () -> {
                String caption = driver.findElement(By.id("query-caption")).getText();
                return caption.equals(expectedFirstId) ? caption : null;
            });
            List<String> similar = firstCard(driver, null, expectedFirstId);
            assertNotEquals(expectedFirstId, similar.get(0));

            Path screenshot = Path.of("target", "web-page.png");
            Files.createDirectories(screenshot.getParent());
            Files.write(screenshot, driver.getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.quit();
        }
    }

    /**
     * Waits for the grid's first card, its thumbnail loaded, and returns {id, score}. With {@code expectedId}
     * it waits until the first card is that image; with {@code notId}, until it is any other.
     */
    private static List<String> firstCard(ChromeDriver driver, String expectedId, String notId) throws Exception {
        return waitFor("the first result" + (expectedId == null ? "" : " to be " + expectedId), () -> {
            List<WebElement> cards = driver.findElements(By.cssSelector("#grid .card"));
            if (cards.isEmpty()) {
                return null;
            }
            WebElement card = cards.get(0);
            String meta = card.findElement(By.className("meta")).getText();
            String id = meta.split(" · ")[0].trim();
            if ((expectedId != null && !id.equals(expectedId)) || (notId != null && id.equals(notId))) {
                return null;
            }
            Object loaded = driver.executeScript(
                    "const img = arguments[0].querySelector('img'); return img.complete && img.naturalWidth > 0;",
                    card);
            if (!Boolean.TRUE.equals(loaded)) {
                return null;
            }
            return List.of(id, card.findElement(By.className("score")).getText());
        });
    }

    private static <T> T waitFor(String what, Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                last = e; // the page is still re-rendering (a stale element): try again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what, last);
    }
}
