package io.pgset.kubernetes.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator reports; {@code kubectl get pgc} shows the printer columns. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresClusterStatus {

    @PrinterColumn(name = "Phase")
    @JsonPropertyDescription("Progressing, Healthy, Degraded (also while the spec is invalid: see the SpecInvalid condition) or Stopped")
    public String phase;

    @PrinterColumn(name = "Primary")
    @JsonPropertyDescription("The pod that is the ready primary, if any")
    public String primary;

    @JsonPropertyDescription("Instances the spec asks for")
    public Integer instances;

    @PrinterColumn(name = "Ready")
    @JsonPropertyDescription("Desired instances that are Ready")
    public Integer readyInstances;

    @PrinterColumn(name = "Storage")
    @JsonPropertyDescription("The fullest data volume: its percent used and its pod, e.g. '81% demo-1'; absent while"
            + " no volume is measured")
    public String storage;

    @JsonPropertyDescription("What the operator waits for or does, or why it cannot go on")
    public String message;

    @JsonPropertyDescription("The version (fingerprint) of the spec the operator last planned from")
    public String specVersion;

    @JsonPropertyDescription("The metadata.generation this status describes")
    public Long observedGeneration;

    @JsonPropertyDescription("Ready, Progressing, Degraded, SpecInvalid, StorageFull, StorageNearlyFull and ArchivingFailing, with"
            + " reasons and messages")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Per pod, its data volume: bytes used, capacity, percent used and level against"
            + " spec.storage.alertPercent; refreshed when the whole percent or the level changes")
    public List<PodVolumeStatus> pods = new ArrayList<>();

    @JsonPropertyDescription("Scheduled backups: when each type is next due, the one running, the last result")
    public BackupStatus backup;
}
