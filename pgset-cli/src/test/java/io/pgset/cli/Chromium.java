package io.pgset.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium driven through chromedriver, both Debian's (never a download: Selenium
 * Manager is not asked, as both paths are given). On close the browser and chromedriver are
 * stopped, and any of their processes still alive is killed: only this JVM's own descendants.
 */
final class Chromium implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    /**
     * Selenium warns that it has no DevTools protocol classes for this Chromium: the test uses
     * WebDriver only. Held here so that the logger, and its level, is not collected.
     */
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger(
            "org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    final ChromeDriver driver;
    private final ChromeDriverService service;

    private Chromium(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /**
     * Starts the browser with its profile in {@code profile}; fails, naming the packages, when
     * chromium or chromedriver is not installed.
     */
    static Chromium start(Path profile) throws IOException {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("this test drives a real browser and needs " + BINARY + " and " + DRIVER
                    + ": install Debian's chromium and chromium-driver (`bin/setup --e2e` does, as root)");
        }
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        // As root chromium refuses to start without --no-sandbox; the page it loads is our own.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1100", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(profile));
        try {
            return new Chromium(service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            killLeftovers();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            killLeftovers();
        }
    }

    /** chromedriver and chromium processes this JVM started that outlived quit and stop. */
    private static void killLeftovers() {
        List<ProcessHandle> left = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
                .toList();
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : left) {
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> p).join();
        }
    }
}
