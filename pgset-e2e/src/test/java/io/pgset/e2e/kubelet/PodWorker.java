package io.pgset.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pgset.kubernetes.image.Bind;
import io.pgset.kubernetes.image.RunAs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The life of one pod on the process kubelet, on a thread of its own: a network sandbox, the
 * volumes, the init containers one after the other to completion, then the containers, kept
 * running and probed ({@link ContainerSupervisor}), with the pod's status patched whenever what it
 * shows changes. {@link #stop} ends it: SIGTERM, SIGKILL after the grace period, sandbox removed.
 */
final class PodWorker implements Runnable {

    private static final Duration TICK = Duration.ofMillis(200);
    /**
     * How often Secret and ConfigMap volumes are written again: every minute, as a real kubelet's
     * sync period, so that what the operator must not wait for (a changed spec) is seen not to be waited for.
     */
    private static final Duration REFRESH = Duration.ofSeconds(60);
    private static final String USER = "postgres";

    private final KubeletContext context;
    private final Pod pod;
    private final String name;
    private final Path dir;
    private volatile Duration stopGrace;
    private volatile boolean finished;
    private PodNetwork.Sandbox sandbox;
    private PodStatus reported;
    private String startTime;
    private final List<ContainerView> initViews = new ArrayList<>();
    private final List<ContainerSupervisor> supervisors = new ArrayList<>();
    private RunningContainer initRunning;

    PodWorker(KubeletContext context, Pod pod) {
        this.context = context;
        this.pod = pod;
        this.name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        this.dir = context.podsDir().resolve(pod.getMetadata().getUid());
    }

    /** Asks the worker to stop the pod's containers (SIGKILL after {@code grace}); {@link #finished()} says when it has. */
    void stop(Duration grace) {
        if (stopGrace == null || grace.compareTo(stopGrace) < 0) {
            stopGrace = grace;
        }
        if (initRunning != null && grace.isZero()) {
            initRunning.kill();
        }
    }

    boolean finished() {
        return finished;
    }

    @Override
    public void run() {
        try {
            startTime = Instant.now().toString();
            sandbox = createSandbox();
            if (sandbox == null) {
                return; // stopped before it had a network
            }
            Files.createDirectories(dir);
            Map<String, Path> volumes = prepareVolumes();
            if (volumes != null && runInitContainers(volumes)) {
                runContainers(volumes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            System.out.println("process kubelet: pod " + name + " failed: " + e);
            awaitStop();
        } finally {
            tearDown();
            finished = true;
        }
    }

    /** The pod's network, tried again every second (as a kubelet retries a sandbox) until it is stopped. */
    private PodNetwork.Sandbox createSandbox() throws InterruptedException {
        while (stopGrace == null) {
            try {
                return context.network().create(pod.getMetadata().getName());
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage() + "; trying again");
                Thread.sleep(1000);
            }
        }
        return null;
    }

    private Map<String, Path> prepareVolumes() throws InterruptedException, IOException {
        while (stopGrace == null) {
            try {
                return context.volumes().prepare(pod, dir, sandbox.address(), hostIp());
            } catch (IllegalStateException | KubernetesClientException e) {
                initViews.clear();
                report(List.of(), List.of(ContainerView.waiting(mainName(), mainImage(), 0, "ContainerCreating",
                        e.getMessage(), null)));
                Thread.sleep(1000);
            }
        }
        return null;
    }

    private boolean runInitContainers(Map<String, Path> volumes) throws InterruptedException, IOException {
        List<Container> inits = pod.getSpec().getInitContainers();
        for (Container init : inits) {
            initViews.add(ContainerView.waiting(init.getName(), init.getImage(), 0, "PodInitializing", null, null));
        }
        report(initViews, waitingContainers("PodInitializing"));
        for (int i = 0; i < inits.size(); i++) {
            Container init = inits.get(i);
            int restarts = 0;
            while (true) {
                if (stopGrace != null) {
                    return false;
                }
                initRunning = context.launcher().launch(launch(init, volumes));
                initViews.set(i, ContainerView.running(init.getName(), init.getImage(), initRunning.id(), restarts,
                        Instant.now().toString(), false, false, null));
                report(initViews, waitingContainers("PodInitializing"));
                while (initRunning.alive() && stopGrace == null) {
                    Thread.sleep(TICK.toMillis());
                }
                if (stopGrace != null) {
                    initRunning.stop(stopGrace);
                    return false;
                }
                int exit = initRunning.exitCode().orElse(-1);
                initViews.set(i, ContainerView.terminated(init.getName(), init.getImage(), initRunning.id(), restarts, exit,
                        Instant.now().toString()));
                report(initViews, waitingContainers("PodInitializing"));
                if (exit == 0) {
                    break;
                }
                restarts++;
                Thread.sleep(Math.min(10_000, 1000L * restarts));
            }
        }
        return true;
    }

    private void runContainers(Map<String, Path> volumes) throws InterruptedException {
        for (Container container : pod.getSpec().getContainers()) {
            supervisors.add(new ContainerSupervisor(container, () -> launch(container, volumes), context.launcher(),
                    sandbox::address));
        }
        Instant nextRefresh = Instant.now().plus(REFRESH);
        while (stopGrace == null) {
            Instant now = Instant.now();
            if (!now.isBefore(nextRefresh)) {
                refreshVolumes(volumes);
                nextRefresh = now.plus(REFRESH);
            }
            boolean changed = false;
            for (ContainerSupervisor supervisor : supervisors) {
                changed |= supervisor.tick(now);
            }
            if (changed || reported == null) {
                report(initViews, supervisors.stream().map(ContainerSupervisor::view).toList());
            }
            Thread.sleep(TICK.toMillis());
        }
        for (ContainerSupervisor supervisor : supervisors) {
            supervisor.stop(stopGrace);
        }
        // As a kubelet does (since Kubernetes 1.27): the stopped containers and the terminal phase are
        // in the status before the pod object goes, so watchers see that nothing runs any more.
        Instant stopped = Instant.now();
        report(initViews, supervisors.stream().map(s -> s.stoppedView(stopped)).toList());
    }

    private void refreshVolumes(Map<String, Path> volumes) {
        try {
            context.volumes().refresh(pod, volumes);
        } catch (IOException | RuntimeException e) {
            // As a kubelet: the files stay as they were, and the next sync tries again.
            System.out.println("process kubelet: cannot refresh the volumes of pod " + name + ": " + e.getMessage());
        }
    }

    private ContainerLaunch launch(Container container, Map<String, Path> volumes) {
        LocalImage image = context.images().get(container.getImage());
        if (image == null) {
            throw new IllegalStateException("process kubelet: no local image for " + container.getImage()
                    + " (it has " + context.images().keySet() + ")");
        }
        long uid = runAs(container, image);
        long gid = runAsGroup(container, image);
        Set<Long> groups = new LinkedHashSet<>(List.of(gid));
        if (pod.getSpec().getSecurityContext() != null) {
            var security = pod.getSpec().getSecurityContext();
            if (security.getFsGroup() != null) {
                groups.add(security.getFsGroup());
            }
            if (security.getSupplementalGroups() != null) {
                groups.addAll(security.getSupplementalGroups());
            }
        }
        String home = "/var/lib/postgresql";
        List<Bind> mounts = new ArrayList<>(etcMounts(image, uid, gid, home));
        for (VolumeMount mount : container.getVolumeMounts()) {
            Path source = volumes.get(mount.getName());
            if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
                source = source.resolve(mount.getSubPath());
            }
            mounts.add(new Bind(source, mount.getMountPath(), Boolean.TRUE.equals(mount.getReadOnly())));
        }
        var addresses = new ContainerEnvironment.Addresses(sandbox.address(), hostIp(), context.apiServerHost(),
                context.apiServerPort());
        boolean readOnlyRoot = container.getSecurityContext() != null
                && Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem());
        return new ContainerLaunch(sandbox.namespace(), hostname(), image, mounts, readOnlyRoot,
                new RunAs(uid, gid, List.copyOf(groups)),
                ContainerEnvironment.build(context.client(), pod, container, image, home, addresses),
                container.getWorkingDir() != null ? container.getWorkingDir() : image.workingDir(),
                image.commandLine(container.getCommand(), container.getArgs()),
                dir.resolve(container.getName() + ".log"));
    }

    /** The pod's /etc files over the image's: its passwd and group naming the pod's user, hosts, resolv.conf. */
    private List<Bind> etcMounts(LocalImage image, long uid, long gid, String home) {
        try {
            Path passwd = dir.resolve("passwd");
            Path group = dir.resolve("group");
            Path resolvConf = Files.writeString(dir.resolve("resolv.conf"), EtcFiles.resolvConf(pod.getMetadata().getNamespace()));
            Files.writeString(passwd, EtcFiles.passwd(Files.readString(image.file("/etc/passwd")), USER, uid, gid, home));
            Files.writeString(group, EtcFiles.group(Files.readString(image.file("/etc/group")), USER, gid));
            Path hosts = context.hosts().add(pod.getMetadata().getNamespace(), sandbox.address(),
                    new EtcFiles.PodName(hostname(), pod.getSpec().getSubdomain()));
            return List.of(new Bind(passwd, "/etc/passwd", true),
                    new Bind(group, "/etc/group", true),
                    new Bind(hosts, "/etc/hosts", true),
                    new Bind(resolvConf, "/etc/resolv.conf", true));
        } catch (IOException e) {
            throw new IllegalStateException("process kubelet: cannot write /etc files of pod " + name + ": " + e, e);
        }
    }

    private long runAs(Container container, LocalImage image) {
        SecurityContext own = container.getSecurityContext();
        var podSecurity = pod.getSpec().getSecurityContext();
        Long uid = own != null && own.getRunAsUser() != null ? own.getRunAsUser()
                : podSecurity != null && podSecurity.getRunAsUser() != null ? podSecurity.getRunAsUser() : image.user().uid();
        boolean nonRoot = own != null && Boolean.TRUE.equals(own.getRunAsNonRoot())
                || podSecurity != null && Boolean.TRUE.equals(podSecurity.getRunAsNonRoot());
        if (nonRoot && uid == 0) {
            throw new IllegalStateException("process kubelet: container " + container.getName() + " of pod " + name
                    + " must run as non-root but would run as uid 0");
        }
        return uid;
    }

    private long runAsGroup(Container container, LocalImage image) {
        SecurityContext own = container.getSecurityContext();
        var podSecurity = pod.getSpec().getSecurityContext();
        return own != null && own.getRunAsGroup() != null ? own.getRunAsGroup()
                : podSecurity != null && podSecurity.getRunAsGroup() != null ? podSecurity.getRunAsGroup() : image.user().gid();
    }

    private String hostname() {
        return pod.getSpec().getHostname() != null ? pod.getSpec().getHostname() : pod.getMetadata().getName();
    }

    private String hostIp() {
        return context.network().nodeAddress();
    }

    private String mainName() {
        return pod.getSpec().getContainers().get(0).getName();
    }

    private String mainImage() {
        return pod.getSpec().getContainers().get(0).getImage();
    }

    private List<ContainerView> waitingContainers(String reason) {
        return pod.getSpec().getContainers().stream()
                .map(c -> ContainerView.waiting(c.getName(), c.getImage(), 0, reason, null, null)).toList();
    }

    private void report(List<ContainerView> inits, List<ContainerView> containers) {
        PodStatus status = PodStatusReport.build(reported, Instant.now().toString(), sandbox.address(), hostIp(), startTime,
                inits, containers);
        if (status.equals(reported)) {
            return;
        }
        try {
            String patch = context.client().getKubernetesSerialization().asJson(Map.of(
                    "metadata", Map.of("uid", pod.getMetadata().getUid()), "status", status));
            context.client().pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            reported = status;
        } catch (KubernetesClientException e) {
            // Gone or replaced: the sync loop stops this worker. Otherwise the next change reports again.
            System.out.println("process kubelet: cannot report the status of pod " + name + ": " + e.getMessage());
        }
    }

    private void awaitStop() {
        while (stopGrace == null) {
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void tearDown() {
        try {
            for (ContainerSupervisor supervisor : supervisors) {
                supervisor.stop(Duration.ZERO);
            }
            if (initRunning != null) {
                initRunning.kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sandbox != null) {
            context.hosts().remove(pod.getMetadata().getNamespace(), sandbox.address());
            context.network().remove(sandbox);
        }
    }
}
