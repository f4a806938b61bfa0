package io.pgset.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceLauncherTest {

    @Test
    void theScriptMountsThenBecomesTheCommandAsThePodsUserWithOnlyItsEnvironment() {
        ContainerLaunch launch = launch(List.of(new ContainerLaunch.Mount(Path.of("/k/claims/ns/data-demo-0"), "/var/lib/pgset", false),
                new ContainerLaunch.Mount(Path.of("/k/pods/u/secrets"), "/etc/pgset/secrets", true)));

        assertThat(NamespaceLauncher.script(launch).lines()).containsExactly(
                "set -e",
                "hostname 'demo-0'",
                "[ -e '/var/lib/pgset' ] || { mkdir -p \"$(dirname '/var/lib/pgset')\"; touch '/var/lib/pgset'; }",
                "mount --bind '/k/claims/ns/data-demo-0' '/var/lib/pgset'",
                "[ -e '/etc/pgset/secrets' ] || { mkdir -p \"$(dirname '/etc/pgset/secrets')\"; touch '/etc/pgset/secrets'; }",
                "mount --bind '/k/pods/u/secrets' '/etc/pgset/secrets'",
                "mount -o remount,bind,ro '/etc/pgset/secrets'",
                "cd '/var/lib/pgset'",
                "exec 'setpriv' '--reuid=999' '--regid=999' '--groups=999' '--no-new-privs' '--bounding-set=-all'"
                        + " '--inh-caps=-all' '--' 'env' '-i' 'POD_NAME=it'\\''s' 'java' '-jar' '/opt/pgset.jar'");
    }

    @Test
    void aMountThatWouldHideAnotherMountsSourceIsRefused() {
        ContainerLaunch launch = launch(List.of(new ContainerLaunch.Mount(Path.of("/k/tmp"), "/k", false),
                new ContainerLaunch.Mount(Path.of("/k/pods/u/run"), "/run/x", false)));

        assertThatThrownBy(() -> NamespaceLauncher.script(launch)).hasMessageContaining("would hide /k/pods/u/run");
    }

    private static ContainerLaunch launch(List<ContainerLaunch.Mount> mounts) {
        return new ContainerLaunch("pgsn1-2", "demo-0", mounts, 999, 999, List.of(999L), Map.of("POD_NAME", "it's"),
                "/var/lib/pgset", List.of("java", "-jar", "/opt/pgset.jar"), Path.of("/k/pods/u/postgres.log"));
    }
}
