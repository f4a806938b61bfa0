package io.pgset.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code nft} (nftables), {@code conntrack} (conntrack-tools) and {@code ss} (iproute2): all
 * need CAP_NET_ADMIN, which pgset has when it runs as root. Each call is one short process; a
 * failure is an IOException that carries the program's own message.
 */
final class Nftables {

    private static final long TIMEOUT_SECONDS = 10;

    private Nftables() {}

    static Optional<Path> program(String name) {
        return SystemPrograms.find(name);
    }

    /** Why the kernel cannot route the services here, or empty when it can (as far as the programs go). */
    static Optional<String> missing() {
        if (program("nft").isEmpty()) {
            return Optional.of("nft is not installed (apt-get install nftables)");
        }
        if (program("conntrack").isEmpty()) {
            return Optional.of("conntrack is not installed (apt-get install conntrack)");
        }
        if (program("ss").isEmpty()) {
            return Optional.of("ss is not installed (apt-get install iproute2)");
        }
        return Optional.empty();
    }

    /** Runs an nft script as one transaction: all of it applies, or none of it. */
    static void apply(String script) throws IOException {
        run(List.of(nft(), "-f", "-"), script);
    }

    /** The names of the IPv4 tables whose name starts with this prefix. */
    static List<String> tables(String prefix) throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : run(List.of(nft(), "list", "tables", "ip"), "").split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length == 3 && words[0].equals("table") && words[2].startsWith(prefix)) {
                names.add(words[2]);
            }
        }
        return names;
    }

    /** The table as nft lists it, or empty when there is none. */
    static Optional<String> list(String table) throws IOException {
        if (!tables(table).contains(table)) {
            return Optional.empty();
        }
        return Optional.of(run(List.of(nft(), "list", "table", "ip", table), ""));
    }

    static void delete(String table) throws IOException {
        if (tables(table).contains(table)) {
            run(List.of(nft(), "delete", "table", "ip", table), "");
        }
    }

    /**
     * Ends the connections to {@code 127.0.0.1:service} that the kernel sent to {@code instance}, at
     * both ends at once, as HAProxy's {@code shutdown sessions} does: the client's socket and the
     * instance's are aborted (a blocked read on either returns an error, the other end gets a
     * reset), then the translations are forgotten. Forgetting them alone is not enough: a client
     * that waits for an answer sends nothing, so nothing would tell it, and the guard drops what
     * the instance sends; it would wait until its own timeout, or for ever.
     */
    static void cut(int service, int instance) throws IOException {
        String conntrack = program("conntrack").orElseThrow(() -> new IOException("conntrack is not installed"))
                .toString();
        List<String> match = List.of("-p", "tcp", "--orig-dst", Ports.LOOPBACK, "--orig-port-dst",
                Integer.toString(service), "--reply-port-src", Integer.toString(instance));
        ProcessResult listed = exec(concat(List.of(conntrack, "-L"), match), "");
        List<Integer> clients = SessionCut.clientPorts(listed.output(), service);
        if (clients.isEmpty()) {
            return; // no session to cut; none can begin, the route moved before this runs
        }
        for (String filter : SessionCut.socketFilters(service, instance, clients)) {
            abort(filter);
        }
        ProcessResult result = exec(concat(List.of(conntrack, "-D"), match), "");
        // conntrack exits 1 when no connection matched: nothing to cut is not a failure.
        if (result.exit() != 0 && !result.output().contains("0 flow entries")) {
            throw new IOException("conntrack -D failed (exit " + result.exit() + "): " + result.output().strip());
        }
    }

    /** Aborts the TCP sockets {@code ss} finds with this filter (the kernel's SOCK_DESTROY). */
    private static void abort(String filter) throws IOException {
        String ss = program("ss").orElseThrow(() -> new IOException("ss is not installed")).toString();
        ProcessResult result = exec(List.of(ss, "-K", "-t", "-n", "-H", filter), "");
        if (result.exit() != 0 || result.output().contains("SOCK_DESTROY")) {
            throw new IOException("ss -K failed (exit " + result.exit() + "): " + result.output().strip());
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String nft() throws IOException {
        return program("nft").orElseThrow(() -> new IOException("nft is not installed")).toString();
    }

    private static String run(List<String> command, String input) throws IOException {
        ProcessResult result = exec(command, input);
        if (result.exit() != 0) {
            throw new IOException(String.join(" ", command.subList(1, command.size())) + " failed (exit "
                    + result.exit() + "): " + result.output().strip());
        }
        return result.output();
    }

    private record ProcessResult(int exit, String output) {}

    private static ProcessResult exec(List<String> command, String input) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
        return new ProcessResult(process.exitValue(), output);
    }
}
