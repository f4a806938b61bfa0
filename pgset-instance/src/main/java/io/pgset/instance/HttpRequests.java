package io.pgset.instance;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 as {@link ApiServer} speaks it, as bytes: the requests it reads and the answers it
 * writes. A request is read strictly, within the limits of {@link HttpMessages}: a malformed request
 * line, header or length is a {@link Malformed} whose message says what was wrong (the server answers
 * 400 with it and closes the connection), never a guess. Bodies come with a Content-Length;
 * pgset's clients send nothing else.
 */
final class HttpRequests {

    private HttpRequests() {}

    /** One request: what the routes need of it. */
    record Request(String method, String path, String authorization, byte[] body, boolean keepAlive) {}

    /** A request that cannot be read as HTTP/1.1; its message is the answer's. */
    static final class Malformed extends IOException {
        final int code;

        Malformed(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /**
     * Reads the next request; null when the connection ends cleanly before one begins (the client
     * closed a kept connection).
     *
     * @param out   where a client that waits for it (curl does, for a body over 1 kB) is told to
     *              send the body ({@code Expect: 100-continue})
     * @param begun called once the request's first byte has arrived (the server then bounds the
     *              rest of it with a shorter timeout than the wait between requests)
     */
    static Request read(InputStream in, OutputStream out, Runnable begun) throws IOException {
        int first = in.read();
        while (first == '\r' || first == '\n') { // empty lines before a request are allowed (RFC 9112 2.2)
            first = in.read();
        }
        if (first < 0) {
            return null;
        }
        begun.run();
        String requestLine = (char) first + line(in);
        String[] parts = requestLine.split(" ", -1);
        if (parts.length != 3 || !parts[0].matches("[A-Z]{1,16}") || !parts[1].startsWith("/")
                || !parts[2].matches("HTTP/1\\.[01]")) {
            throw new Malformed(400, "a malformed request line: " + quoted(requestLine));
        }
        boolean keepAlive = parts[2].equals("HTTP/1.1");
        String authorization = null;
        long length = -1;
        boolean expectsContinue = false;
        for (int count = 0; ; count++) {
            String header = line(in);
            if (header.isEmpty()) {
                break;
            }
            if (count == HttpMessages.MAX_HEADERS) {
                throw new Malformed(400, "more than " + HttpMessages.MAX_HEADERS + " headers");
            }
            int colon = header.indexOf(':');
            if (colon <= 0 || header.charAt(0) == ' ' || header.charAt(0) == '\t') {
                throw new Malformed(400, "a malformed header: " + quoted(header));
            }
            String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> length = length(value, length);
                case "transfer-encoding" -> throw new Malformed(411,
                        "Transfer-Encoding " + quoted(value) + " is not read here; send the body with a Content-Length");
                case "authorization" -> authorization = value;
                case "connection" -> keepAlive &= !value.toLowerCase(Locale.ROOT).contains("close");
                case "expect" -> expectsContinue = value.equalsIgnoreCase("100-continue");
                default -> { }
            }
        }
        if (expectsContinue && length > 0 && parts[2].equals("HTTP/1.1")) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        byte[] body = length <= 0 ? new byte[0] : in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("the request ended after " + body.length + " of its " + length + " bytes");
        }
        int query = parts[1].indexOf('?');
        String path = query >= 0 ? parts[1].substring(0, query) : parts[1];
        return new Request(parts[0], path, authorization, body, keepAlive);
    }

    /** Writes an answer whole, in one write: its status, type, length and body. */
    static void write(OutputStream out, ApiServer.Response response, boolean keepAlive) throws IOException {
        String head = "HTTP/1.1 " + response.code() + " " + reason(response.code()) + "\r\n"
                + "Content-Type: " + response.contentType() + "\r\n"
                + "Content-Length: " + response.body().length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + response.body().length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(response.body(), 0, all, headBytes.length, response.body().length);
        out.write(all);
        out.flush();
    }

    private static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }

    private static long length(String value, long earlier) throws Malformed {
        if (!value.matches("[0-9]{1,10}")) {
            throw new Malformed(400, "a malformed Content-Length: " + quoted(value));
        }
        long length = Long.parseLong(value);
        if (earlier >= 0 && earlier != length) {
            throw new Malformed(400, "two different Content-Lengths: " + earlier + " and " + length);
        }
        if (length > HttpMessages.MAX_BODY) {
            throw new Malformed(413, "a body of " + length + " bytes, more than the " + HttpMessages.MAX_BODY
                    + " accepted");
        }
        return length;
    }

    /** One line up to LF (a CR before it dropped), ISO-8859-1 as HTTP's grammar is. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the request ended in the middle of a line");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() == HttpMessages.MAX_LINE) {
                throw new Malformed(431, "a line longer than " + HttpMessages.MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    private static String quoted(String text) {
        return "\"" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "\"";
    }
}
