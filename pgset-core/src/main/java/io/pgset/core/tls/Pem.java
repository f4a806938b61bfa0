package io.pgset.core.tls;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM text (RFC 7468): DER in base64 between {@code -----BEGIN label-----} and
 * {@code -----END label-----} lines. Written as OpenSSL writes it, 64 characters a line.
 */
final class Pem {

    static final String CERTIFICATE = "CERTIFICATE";
    static final String PRIVATE_KEY = "PRIVATE KEY";

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    private static final Base64.Encoder ENCODER = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pem() {}

    /** One block: its label and the DER it holds. */
    record Block(String label, byte[] der) {}

    static String write(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + ENCODER.encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    /**
     * The blocks of {@code text}, in order; text outside blocks (comments, as {@code openssl x509
     * -text} leaves) is skipped.
     *
     * @throws IllegalArgumentException a block without its END line, with headers (legacy
     *                                  encryption) or with base64 that does not decode
     */
    static List<Block> read(String text) {
        List<Block> blocks = new ArrayList<>();
        String label = null;
        StringBuilder base64 = new StringBuilder();
        for (String raw : text.split("\r?\n|\r")) {
            String line = raw.strip();
            if (label == null) {
                Matcher begin = BEGIN.matcher(line);
                if (begin.matches()) {
                    label = begin.group(1);
                    base64.setLength(0);
                }
            } else if (line.equals("-----END " + label + "-----")) {
                blocks.add(new Block(label, decode(label, base64.toString())));
                label = null;
            } else if (line.contains(":")) {
                throw new IllegalArgumentException("the PEM block '" + label + "' is encrypted (it has a '" + line
                        + "' header); give it unencrypted");
            } else {
                base64.append(line);
            }
        }
        if (label != null) {
            throw new IllegalArgumentException("the PEM block '" + label + "' has no '-----END " + label + "-----' line");
        }
        return blocks;
    }

    private static byte[] decode(String label, String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block '" + label + "' is not valid base64: " + e.getMessage(), e);
        }
    }
}
