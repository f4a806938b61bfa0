package io.pgset.cli;

import io.pgset.local.PgsetException;
import picocli.CommandLine.Option;

/** The {@code -o table|json} option of the commands that report, checked one way for all. */
final class OutputFormat {

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "The format: table (the default) or json.")
    String output;

    /** Whether JSON was asked for; throws for a format that is neither. */
    boolean json() {
        if (!output.equals("table") && !output.equals("json")) {
            throw new PgsetException("unknown output format '" + output + "'; use table or json");
        }
        return output.equals("json");
    }
}
