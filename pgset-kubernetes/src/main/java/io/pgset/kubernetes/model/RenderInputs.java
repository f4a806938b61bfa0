package io.pgset.kubernetes.model;

import io.pgset.core.model.ClusterSpec;

/**
 * What every renderer renders from, besides generated secrets.
 *
 * @param namespace   where the objects go
 * @param image       the image that runs {@code pgset instance}
 * @param sourceClaim for a cluster bootstrapped by recovery: whether the pods mount the source's
 *                    {@code <source>-backups} claim, which holds the source's repository when it
 *                    is its default posix one (the operator knows from the source's spec)
 */
public record RenderInputs(ClusterSpec spec, String namespace, String image, boolean sourceClaim) {}
