package io.pgset.instance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cluster's credentials, one file each in a private directory (the local runtime's
 * {@code secrets/}, or a mounted Kubernetes Secret). Values never travel in argv or environment.
 */
public record Secrets(String superuserPassword, String replicationPassword, String appPassword, String apiToken) {

    public static final String SUPERUSER_PASSWORD = "superuser-password";
    public static final String REPLICATION_PASSWORD = "replication-password";
    public static final String APP_PASSWORD = "app-password";
    public static final String API_TOKEN = "api-token";

    public static Secrets read(Path dir) {
        return new Secrets(value(dir, SUPERUSER_PASSWORD), value(dir, REPLICATION_PASSWORD),
                value(dir, APP_PASSWORD), value(dir, API_TOKEN));
    }

    private static String value(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret " + dir.resolve(name), e);
        }
    }
}
