package io.pgset.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** What {@code --version} prints on every command: pgset's version (from the build) and the Java running it. */
final class Version implements IVersionProvider {

    static String pgset() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a jar without the file still answers, with an unknown version
        }
        return p.getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"pgset " + pgset() + " (Java " + Runtime.version() + ")"};
    }
}
