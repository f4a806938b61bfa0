package io.pgset.instance;

import java.io.PrintStream;

/**
 * The stream a pgset process logs to: standard error, looked up at each line because a daemon
 * redirects it to its rolling log file (in a pod it is the container's output). Lines from several
 * threads never mix: each is written whole under the stream's lock.
 */
public final class LogStream {

    private LogStream() {}

    /** Writes one line (which may hold line breaks of its own, as a stack trace does) and its break. */
    public static void println(String line) {
        PrintStream err = System.err;
        synchronized (err) {
            err.println(line);
        }
    }
}
