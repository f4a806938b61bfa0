package io.pgset.kubernetes.image;

import java.util.Map;

/**
 * The process a {@link ChrootCommand} starts, as a container runtime sets it up: only this
 * environment, as this user with no capabilities and no way to gain any, in this working folder.
 *
 * @param env      the whole environment (the image's ENV, then what the caller adds or overrides)
 * @param hostname the host name in its own UTS namespace; empty keeps this machine's
 */
public record ChrootProcess(Map<String, String> env, RunAs user, String workdir, String hostname) {

    public ChrootProcess {
        env = Map.copyOf(env);
    }
}
