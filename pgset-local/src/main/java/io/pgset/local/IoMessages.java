package io.pgset.local;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A file-system or connection failure in words. The JDK's exceptions often carry only a path as
 * their message ({@code AccessDeniedException: /x/home}), which says where but not what went
 * wrong, or no message at all (a refused connection).
 */
final class IoMessages {

    private IoMessages() {}

    static String describe(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied on " + a.getFile() + " for user " + System.getProperty("user.name")
                    + (a.getReason() == null ? "" : " (" + a.getReason() + ")");
        }
        if (e instanceof NoSuchFileException n) {
            return n.getFile() + " does not exist";
        }
        if (e instanceof NotDirectoryException n) {
            return n.getFile() + " is not a directory";
        }
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() == null ? e.getClass().getSimpleName() : f.getReason());
        }
        if (e instanceof java.net.ConnectException) {
            return "connection refused: nothing listens there";
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return "no answer in time";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
