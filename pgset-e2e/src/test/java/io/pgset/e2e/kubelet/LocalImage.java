package io.pgset.e2e.kubelet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kubelet runs for an image reference, in place of pulling it: the image's entrypoint,
 * default arguments, environment, working directory and user (as deploy/Dockerfile declares them),
 * and where this machine has the files the image's command names.
 */
public record LocalImage(String reference, List<String> entrypoint, List<String> defaultArguments,
                  Map<String, String> environment, String workingDir, long uid, long gid,
                  Map<String, String> pathsOnThisMachine) {

    /** The pgset image of deploy/Dockerfile, with its java and pgset.jar mapped to this machine's. */
    public static LocalImage pgset(String reference, Path jar) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", "/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        environment.put("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC -XX:MaxRAMPercentage=25");
        return new LocalImage(reference, List.of("java", "-jar", "/opt/pgset/pgset.jar"), List.of("instance"),
                environment, "/var/lib/pgset", 999, 999,
                Map.of("java", java, "/opt/pgset/pgset.jar", jar.toAbsolutePath().toString()));
    }

    /** The command line of a container: its command or the entrypoint, then its args or the defaults, mapped. */
    List<String> commandLine(List<String> command, List<String> args) {
        boolean ownCommand = command != null && !command.isEmpty();
        List<String> line = new ArrayList<>(ownCommand ? command : entrypoint);
        line.addAll(args != null && !args.isEmpty() ? args : ownCommand ? List.of() : defaultArguments);
        return line.stream().map(word -> pathsOnThisMachine.getOrDefault(word, word)).toList();
    }
}
