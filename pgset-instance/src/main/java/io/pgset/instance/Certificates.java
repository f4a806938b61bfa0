package io.pgset.instance;

import io.pgset.core.model.ClusterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The instance's certificates for a start of postgres, issued on a thread of their own, so that
 * initdb, which needs none, does not wait for them; whatever connects or writes the configuration
 * waits for them first ({@link #await}).
 */
final class Certificates {

    private final CompletableFuture<Void> issued;

    private Certificates(CompletableFuture<Void> issued) {
        this.issued = issued;
    }

    /** Starts issuing (or checking) the certificates {@code spec} wants; see {@link ConfigWriter#prepareTls}. */
    static Certificates issue(ConfigWriter config, ClusterSpec spec) {
        return new Certificates(CompletableFuture.runAsync(() -> {
            try {
                config.prepareTls(spec);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> {
            Thread thread = new Thread(task, "certificates"); // not the common pool, which may be busy
            thread.setDaemon(true);
            thread.start();
        }));
    }

    /** Returns once the certificates are in place; throws what issuing them threw. */
    void await() throws IOException {
        try {
            issued.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }
}
