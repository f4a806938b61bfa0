package io.pgset.local;

/** A user-facing failure: the message says what is wrong and what to do about it. */
public class PgsetException extends RuntimeException {
    public PgsetException(String message) {
        super(message);
    }

    public PgsetException(String message, Throwable cause) {
        super(message, cause);
    }
}
