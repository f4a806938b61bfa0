package io.pgset.core.config;

import io.pgset.core.model.ClusterSpec;
import io.pgset.core.model.BackupSpec.PosixRepository;
import io.pgset.core.model.BackupSpec.RepositorySpec;
import io.pgset.core.model.BackupSpec.S3Repository;
import java.util.Optional;

/**
 * Turns what pgBackRest printed when it failed against a repository into what the operator should
 * check: which repository, which spec field, what to do. pgBackRest's own words stay on screen above
 * it; this adds the pgset side, so that a 403 reads as "check the keys in this file".
 */
public final class PgBackRestErrors {

    private PgBackRestErrors() {}

    /**
     * @param repo   the repository pgBackRest worked on, 1-based as in {@code --repo}
     * @param output pgBackRest's console output
     * @return the advice, or empty when the output names no problem that pgset can explain
     */
    public static Optional<String> explain(ClusterSpec spec, int repo, String output) {
        if (repo < 1 || repo > spec.backup().repositories().size()) {
            return Optional.empty();
        }
        RepositorySpec repository = spec.backup().repositories().get(repo - 1);
        String field = "spec.backup.repositories[" + (repo - 1) + "]";
        String which = "repository " + repo + " (" + repository.name() + ")";
        if (repository instanceof S3Repository s3) {
            return s3(s3, which, field, output);
        }
        if (output.contains("Permission denied") || output.contains("[EACCES]")) {
            PosixRepository posix = (PosixRepository) repository;
            return Optional.of(which + " cannot be written by the postgres user: check the owner and mode of "
                    + (posix.path().isEmpty() ? "the cluster's backups directory" : posix.path()) + " (" + field
                    + ".path)");
        }
        return Optional.empty();
    }

    private static Optional<String> s3(S3Repository s3, String which, String field, String output) {
        String at = " at " + s3.endpoint();
        if (output.contains("HostConnectError") || output.contains("unable to connect to")) {
            return Optional.of(unreachable(s3, which, field));
        }
        if (output.contains("unable to verify certificate") || output.contains("CryptoError")) {
            return Optional.of(which + ": the certificate of the S3 server" + at + " is not trusted: check that "
                    + field + ".caFile names the authority that signed it");
        }
        if (output.contains("failed with 403")) {
            return Optional.of(which + ": the S3 server" + at + " refused the keys: check " + S3Keys.ACCESS_KEY_ID
                    + " and " + S3Keys.SECRET_ACCESS_KEY + " in " + keysFrom(s3, field) + ", and that they may write"
                    + " to bucket " + s3.bucket());
        }
        if (output.contains("failed with 404")) {
            return Optional.of(which + ": bucket " + s3.bucket() + " was not found" + at + ": create it, or correct "
                    + field + ".bucket");
        }
        return Optional.empty();
    }

    /**
     * What to check when nothing answers at an s3 repository's endpoint; empty for a posix one.
     *
     * @param repo 1-based, as in {@code --repo}
     */
    public static Optional<String> unreachable(ClusterSpec spec, int repo) {
        if (repo < 1 || repo > spec.backup().repositories().size()
                || !(spec.backup().repositories().get(repo - 1) instanceof S3Repository s3)) {
            return Optional.empty();
        }
        return Optional.of(unreachable(s3, "repository " + repo + " (" + s3.name() + ")",
                "spec.backup.repositories[" + (repo - 1) + "]"));
    }

    private static String unreachable(S3Repository s3, String which, String field) {
        return which + ": nothing answers at " + s3.endpoint() + ": check " + field + ".endpoint and that the S3"
                + " server is up and reachable from this machine";
    }

    private static String keysFrom(S3Repository s3, String field) {
        return s3.credentials().file().isEmpty()
                ? "the Secret " + s3.credentials().secretName() + " (" + field + ".credentials.secretName)"
                : s3.credentials().file() + " (" + field + ".credentials.file)";
    }
}
