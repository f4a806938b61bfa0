package io.pgset.instance;

import java.nio.charset.StandardCharsets;

/**
 * An API's answer, read whole (see {@link ApiConnections}).
 *
 * @param reusable whether its connection may carry another request: HTTP/1.1, not told to close,
 *                 and the body's end known from its framing (not from the connection closing)
 */
public record ApiAnswer(int status, byte[] body, boolean reusable) {

    /** The body as UTF-8 text, without the blank around it. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8).strip();
    }
}
