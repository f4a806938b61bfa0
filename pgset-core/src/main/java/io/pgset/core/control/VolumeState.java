package io.pgset.core.control;

/** A volume that exists, whether or not an instance uses it now. */
public record VolumeState(String name, int ordinal, String path) {}
