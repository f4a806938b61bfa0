package io.pgset.cli;

import io.pgset.core.json.JsonText;
import io.pgset.core.json.RecordJson;
import io.pgset.core.model.ClusterStatus;
import io.pgset.core.plan.FailoverGuarantee;
import io.pgset.core.spec.SpecReader;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Show a cluster's instances, volumes and services (all clusters when no NAME).")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The cluster (default: every cluster).")
    String name;

    @Mixin
    OutputFormat format;

    @Override
    public Integer call() throws Exception {
        boolean json = format.json();
        List<String> names = name != null ? List.of(name) : main.clusters().names();
        if (names.isEmpty()) {
            main.out.println(json ? "[]" : "no clusters; `pgset up` creates one");
            return 0;
        }
        List<ClusterStatus> statuses = names.stream().map(n -> main.clusters().status(n)).toList();
        if (json) {
            Object value = name != null ? statuses.get(0) : statuses;
            main.out.println(JsonText.pretty(RecordJson.tree(value)));
        } else {
            statuses.forEach(s -> StatusTable.print(main.out, s, FailoverGuarantee.describe(
                    SpecReader.read(main.clusters().home(s.name()).spec()), s.primary())));
        }
        return 0;
    }
}
