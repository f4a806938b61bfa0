package io.pgset.instance;

import io.pgset.core.config.S3Keys;
import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import io.pgset.core.model.BackupSpec.S3Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The keys of a cluster's s3 repositories, read from the secrets files their {@code
 * credentials.file} names (the format is on {@link S3Keys}). {@code up} and {@code apply} read them
 * first so that a missing or incomplete file stops them before anything starts; each instance reads
 * them again when it writes its pgbackrest.conf, the only place the keys are copied to.
 */
public final class S3KeyFiles {

    private S3KeyFiles() {}

    /**
     * The keys by repository name, for each s3 repository of an enabled backup section.
     *
     * @throws IOException naming the spec field, the file and what is wrong with it
     */
    public static Map<String, S3Keys> read(ClusterSpec spec) throws IOException {
        return read(spec, Optional.empty());
    }

    /**
     * @param secretMounts where a pod has the Secrets that repositories name mounted, one
     *                     directory per repository name; empty locally
     */
    public static Map<String, S3Keys> read(ClusterSpec spec, Optional<Path> secretMounts) throws IOException {
        Map<String, S3Keys> keys = new LinkedHashMap<>();
        List<RepositorySpec> repositories = spec.backup().enabled() ? spec.backup().repositories() : List.of();
        for (int i = 0; i < repositories.size(); i++) {
            if (repositories.get(i) instanceof S3Repository s3) {
                String field = "spec.backup.repositories[" + i + "]";
                keys.put(s3.name(), secretMounts.isPresent() && !s3.credentials().secretName().isEmpty()
                        ? fromSecret(secretMounts.get().resolve(s3.name()), field) : read(s3, field));
            }
        }
        return keys;
    }

    /** A mounted Kubernetes Secret: a file per key, named as the Secret's keys. */
    private static S3Keys fromSecret(Path dir, String field) throws IOException {
        try {
            return new S3Keys(Files.readString(dir.resolve(S3Keys.ACCESS_KEY_ID), StandardCharsets.UTF_8).strip(),
                    Files.readString(dir.resolve(S3Keys.SECRET_ACCESS_KEY), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IOException(field + ".credentials.secretName: the Secret mounted at " + dir + " lacks the key "
                    + S3Keys.ACCESS_KEY_ID + " or " + S3Keys.SECRET_ACCESS_KEY + " (" + e.getMessage() + ")", e);
        }
    }

    /** The keys of one repository by its name: none for a posix one. */
    public static Map<String, S3Keys> read(RepositorySpec repository, String field) throws IOException {
        return repository instanceof S3Repository s3 ? Map.of(s3.name(), read(s3, field)) : Map.of();
    }

    private static S3Keys read(S3Repository s3, String field) throws IOException {
        if (s3.credentials().file().isEmpty()) {
            throw new IOException(field + ".credentials.secretName names a Kubernetes Secret, which the local runtime"
                    + " cannot read: set " + field + ".credentials.file to a secrets file instead, with the two lines "
                    + S3Keys.ACCESS_KEY_ID + "=... and " + S3Keys.SECRET_ACCESS_KEY + "=...");
        }
        Path file = Path.of(s3.credentials().file());
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(field + ".credentials.file: " + file + " does not exist; create it with the two lines "
                    + S3Keys.ACCESS_KEY_ID + "=... and " + S3Keys.SECRET_ACCESS_KEY + "=... (mode 0600)", e);
        } catch (AccessDeniedException e) {
            throw new IOException(field + ".credentials.file: " + file + " cannot be read by this user; let it read"
                    + " the file, or run pgset as a user who can", e);
        } catch (IOException e) {
            throw new IOException(field + ".credentials.file: " + file + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return S3Keys.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(field + ".credentials.file: " + file + " is not a secrets file pgset can use: "
                    + e.getMessage(), e);
        }
    }
}
