package io.pgset.kubernetes;

/** What went wrong talking to the API server, in words: the client's own message names only the operation. */
public final class ApiErrors {

    private ApiErrors() {}

    /** The innermost cause, as {@code Type: message} (the type alone when it has no message). */
    public static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** The failed operation and, when there is one, its innermost cause. */
    public static String describe(Throwable e) {
        return e.getCause() == null ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + rootCause(e) + ")";
    }
}
