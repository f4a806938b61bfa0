package io.pgset.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "certificates", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Show the cluster CA and each instance's certificate, and renew them on demand.",
        "For each: serial, validity, and when it renews (two thirds into its validity, on its own). "
                + "--renew issues new ones now; postgres reloads them, with no restart and no dropped connection."})
final class CertificatesCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "NAME", description = "The cluster.")
    String name;

    @Option(names = "--renew", description = "Issue new certificates for every running instance now.")
    boolean renew;

    @Override
    public Integer call() {
        main.clusters().certificates(name, renew);
        return 0;
    }
}
