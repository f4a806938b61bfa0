package io.pgset.cli;

import io.pgset.local.LocalDashboard;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "dashboard", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Print the URL of a running cluster's live dashboard (served by its controller on 127.0.0.1).",
        "The URL carries the cluster's API token after '#', which the browser keeps to itself: treat it like the "
                + "token."})
final class DashboardCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--open", description = "Also open it in the desktop's browser (xdg-open).")
    boolean open;

    @Override
    public Integer call() {
        URI url = LocalDashboard.url(main.clusters(), name);
        main.out.println(url);
        if (open) {
            open(LocalDashboard.openingPage(main.clusters(), name, url));
        }
        return 0;
    }

    /** Best effort: the URL is printed already, so a missing opener is said, not failed on. */
    private void open(Path page) {
        try {
            Process opener = new ProcessBuilder("xdg-open", page.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!opener.waitFor(10, TimeUnit.SECONDS)) {
                main.err.println("note: xdg-open is still running after 10 s; open the URL above yourself if no"
                        + " browser shows it");
            } else if (opener.exitValue() != 0) {
                main.err.println("note: xdg-open failed (exit " + opener.exitValue() + "); open the URL above in a"
                        + " browser");
            }
        } catch (IOException e) {
            main.err.println("note: cannot run xdg-open (" + e.getMessage() + "); open the URL above in a browser");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
