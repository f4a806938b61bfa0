package io.pgset.instance;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 as {@link ApiConnections} speaks it, as bytes and nothing else: the request it
 * writes, and the parsing of the answer it reads back. Parsing is strict: a malformed status line,
 * header or chunk, a length that does not add up, or an answer larger than the limits here is an
 * {@link IOException} that says what was wrong, never a guess.
 */
final class HttpMessages {

    /** Longest status line, header line or chunk-size line accepted. */
    static final int MAX_LINE = 8 * 1024;
    static final int MAX_HEADERS = 100;
    /** Largest body accepted: the API's answers are a few KiB of JSON. */
    static final int MAX_BODY = 16 * 1024 * 1024;

    private HttpMessages() {}

    /** The bytes of a request; {@code body} is sent with its length unless the method is GET. */
    static byte[] request(String method, String host, int port, String path, String token, byte[] body) {
        StringBuilder head = new StringBuilder(160)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port)
                .append("\r\nAuthorization: Bearer ").append(token).append("\r\n");
        if (!"GET".equals(method)) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** Reads one answer to a request other than HEAD, skipping interim (1xx) answers. */
    static ApiAnswer read(InputStream in) throws IOException {
        while (true) {
            String statusLine = line(in, true);
            boolean http11 = statusLine.startsWith("HTTP/1.1 ");
            int status = status(statusLine);
            Headers headers = headers(in);
            if (status >= 100 && status < 200) {
                continue;
            }
            boolean reusable = http11 && !headers.close;
            if (status == 204 || status == 304) {
                return new ApiAnswer(status, new byte[0], reusable);
            }
            if (headers.chunked) {
                return new ApiAnswer(status, chunked(in), reusable && headers.length < 0);
            }
            if (headers.length >= 0) {
                return new ApiAnswer(status, exactly(in, headers.length), reusable);
            }
            return new ApiAnswer(status, untilClosed(in), false);
        }
    }

    /** The code of a status line such as {@code HTTP/1.1 200 OK}. */
    static int status(String line) throws IOException {
        if (!line.matches("HTTP/1\\.[01] [1-5][0-9][0-9](?: .*)?")) {
            throw new IOException("the server answered with a malformed status line: " + quoted(line));
        }
        return Integer.parseInt(line.substring(9, 12));
    }

    /** What of the headers decides how the body is framed and whether the connection stays open. */
    private static final class Headers {
        long length = -1;
        boolean chunked;
        boolean close;
    }

    private static Headers headers(InputStream in) throws IOException {
        Headers headers = new Headers();
        for (int count = 0; ; count++) {
            String line = line(in, false);
            if (line.isEmpty()) {
                return headers;
            }
            if (count == MAX_HEADERS) {
                throw new IOException("the server answered with more than " + MAX_HEADERS + " headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new IOException("the server answered with a malformed header: " + quoted(line));
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> headers.length = length(value, headers.length);
                case "transfer-encoding" -> headers.chunked = chunkedEncoding(value);
                case "connection" -> headers.close |= value.toLowerCase(Locale.ROOT).contains("close");
                default -> { }
            }
        }
    }

    private static long length(String value, long earlier) throws IOException {
        if (!value.matches("[0-9]{1,10}")) {
            throw new IOException("the server answered with a malformed Content-Length: " + quoted(value));
        }
        long length = Long.parseLong(value);
        if (earlier >= 0 && earlier != length) {
            throw new IOException("the server answered with two different Content-Lengths: " + earlier
                    + " and " + length);
        }
        if (length > MAX_BODY) {
            throw new IOException("the server answered with a body of " + length + " bytes, more than the "
                    + MAX_BODY + " accepted");
        }
        return length;
    }

    private static boolean chunkedEncoding(String value) throws IOException {
        if (!value.equalsIgnoreCase("chunked")) {
            throw new IOException("the server answered with Transfer-Encoding " + quoted(value)
                    + ", which this client does not decode (it reads chunked only)");
        }
        return true;
    }

    /** A chunked body: hexadecimal sizes (extensions ignored), each chunk, then trailers up to an empty line. */
    static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in, false);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
            if (!hex.matches("[0-9a-fA-F]{1,7}")) {
                throw new IOException("the server answered with a malformed chunk size: " + quoted(sizeLine));
            }
            int size = Integer.parseInt(hex, 16);
            if (size == 0) {
                while (!line(in, false).isEmpty()) {
                    // trailers: nothing here needs them
                }
                return body.toByteArray();
            }
            if (body.size() + (long) size > MAX_BODY) {
                throw new IOException("the server answered with a chunked body of more than " + MAX_BODY + " bytes");
            }
            body.write(exactly(in, size));
            if (!line(in, false).isEmpty()) {
                throw new IOException("the server answered with a chunk longer than its size " + size);
            }
        }
    }

    private static byte[] exactly(InputStream in, long length) throws IOException {
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("the answer ended after " + body.length + " of its " + length
                    + " bytes");
        }
        return body;
    }

    private static byte[] untilClosed(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            throw new IOException("the server answered with a body of more than " + MAX_BODY + " bytes");
        }
        return body;
    }

    /**
     * One line up to LF (a CR before it dropped), ISO-8859-1 as HTTP's grammar is.
     *
     * @param first whether it starts an answer: the connection closing before it is a stale connection
     */
    static String line(InputStream in, boolean first) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(first && line.length() == 0
                        ? "the server closed the connection without answering"
                        : "the answer ended in the middle of a line");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() == MAX_LINE) {
                throw new IOException("the server answered with a line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    private static String quoted(String text) {
        return "\"" + (text.length() > 80 ? text.substring(0, 80) + "..." : text) + "\"";
    }
}
