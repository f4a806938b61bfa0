#!/usr/bin/env bash
# Measures what issuing certificates costs a fresh pgset JVM, as every instance manager does at
# start: the cluster CA made (CertificateAuthority.create), read back from its PEM text, and one
# server certificate issued, each timed inside the JVM; the JVM's whole run, timed outside it; and
# the classes it loads (all, and BouncyCastle's). The JVM runs with the launcher's flags and the
# build's class-data archive, as the daemons do. With OTHER_CHECKOUT (say, an earlier commit in a
# git worktree, built the same way) both builds run interleaved round by round, and the table
# shows each, with medians, and the ratio this/other.
# Usage: bench/certificates.sh [ROUNDS] [OTHER_CHECKOUT]   (build first: mvn -q -DskipTests package; needs javac)
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
rounds=${1:-10}
trees=("$here")
if [ -n "${2:-}" ]; then trees+=("$(cd "$2" && pwd)"); fi
. bench/common.sh
require_builds "${trees[@]}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/CertificateTiming.java" <<'JAVA'
import io.pgset.core.tls.CertificateAuthority;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

public class CertificateTiming {
    public static void main(String[] args) {
        long start = System.nanoTime();
        CertificateAuthority created = CertificateAuthority.create("bench", Instant.now());
        long made = System.nanoTime();
        CertificateAuthority ca = CertificateAuthority.fromPem(created.certificatePem(), created.privateKeyPem());
        long read = System.nanoTime();
        CertificateAuthority.Issued issued = ca.issueServer(List.of("bench-0", "localhost"), List.of("127.0.0.1"),
                Duration.ofDays(90), Instant.now());
        long done = System.nanoTime();
        if (!issued.certificatePem().startsWith("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalStateException("no certificate");
        }
        System.out.printf("%.1f %.1f %.1f %.1f%n", (made - start) / 1e6, (read - made) / 1e6, (done - read) / 1e6,
                (done - start) / 1e6);
    }
}
JAVA

results="$work/results"
for i in $(seq 1 "$rounds"); do
  for tree in "${trees[@]}"; do
    classes="$work/classes-$(basename "$tree")-$(echo "$tree" | md5sum | cut -c1-6)"
    if [ ! -d "$classes" ]; then
      javac -d "$classes" -cp "$tree/pgset-cli/target/pgset.jar" "$work/CertificateTiming.java"
    fi
    log="$work/load.log"
    rm -f "$log"
    start=$(date +%s%N)
    inside=$(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \
      -XX:SharedArchiveFile="$tree/pgset-cli/target/pgset.jsa" -Xlog:disable -Xlog:all=warning:stderr \
      -Xlog:class+load=info:file="$log" -cp "$tree/pgset-cli/target/pgset.jar:$classes" CertificateTiming)
    wall=$(( ($(date +%s%N) - start) / 1000000 ))
    loaded=$(grep -c 'class,load' "$log")
    bc=$(grep -c ' org\.bouncycastle\.' "$log" || true)
    echo "$tree $inside $wall $loaded $bc" >>"$results"
  done
done

python3 - "$results" "${trees[@]}" <<'PY'
import os, statistics, sys
results, trees = sys.argv[1], sys.argv[2:]
rows = {}
for line in open(results):
    tree, *values = line.split()
    rows.setdefault(tree, []).append([float(v) for v in values])
labels = ["CertificateAuthority.create (ms)", "fromPem (ms)", "issueServer (ms)", "the three (ms)",
          "JVM run, start to exit (ms)", "classes loaded", "of them BouncyCastle's"]
rounds = len(rows[trees[0]])
print(f"certificates in a fresh JVM, medians of {rounds} rounds{' interleaved' if len(trees) > 1 else ''},"
      f" on {os.cpu_count()} cores (load now: {' '.join(open('/proc/loadavg').read().split()[:3])})")
print(f"{'':36} {'this':>10}" + (f" {'other':>10} {'ratio':>8}" if len(trees) > 1 else ""))
for i, label in enumerate(labels):
    medians = [statistics.median(r[i] for r in rows[t]) for t in trees]
    line = f"{label:36} {medians[0]:>10.1f}"
    if len(trees) > 1:
        ratio = f"{medians[0] / medians[1]:.2f}" if medians[1] else "-"
        line += f" {medians[1]:>10.1f} {ratio:>8}"
    print(line)
for name, tree in zip(["this", "other"], trees):
    print(f"{name}:  {tree}")
PY
