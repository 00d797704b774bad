"""The nemeses, one function each. Every scenario starts real processes in a fresh
directory, injects its fault while staff keep typing, heals it, and returns its figures
after `checks.verify`; a failed check raises `checks.Failure`."""

import os
import random
import signal
import subprocess
import tempfile
import time

import checks
from cluster import Replica, Server, Writers, query, run
from net import Lab, NS, SERVER_IP
from proxy import Proxy

PORT = 18470
NAMES = ["front-desk", "room-2", "office-3", "annex-4"]


class Cluster:
    """A server in the lab namespace, a proxy in front of it, and replicas syncing through it
    (or, `direct`, straight to the server through the veth)."""

    def __init__(self, bins, seed, clocks=(None, None, None, None), replicas=4, daemons=True, store_dir=None, direct=False):
        self.bins, self.seed = bins, seed
        self.directory = tempfile.mkdtemp(prefix="crm-faults-")
        self.lab = Lab(PORT)
        self.lab.setup()
        self.replicas, self.server = [], None
        try:
            self._start(bins, seed, clocks, replicas, daemons, store_dir, direct)
        except BaseException:
            # A failed start must not leave a server, daemons or a namespace behind.
            self.close()
            raise

    def _start(self, bins, seed, clocks, replicas, daemons, store_dir, direct):
        self.server = Server(bins, os.path.join(store_dir or self.directory, "org.sqlite"), SERVER_IP, PORT, netns=NS,
                             log=os.path.join(self.directory, "server.log"))
        tokens = self.server.organisation(NAMES[:replicas])
        self.server.start()
        self.proxy = Proxy(SERVER_IP, PORT, seed)
        self.replicas = [Replica(bins, self.directory, name, clock) for name, clock in zip(NAMES[:replicas], clocks)]
        for replica in self.replicas:
            replica.init(self.server.url if direct else self.proxy.url, tokens[replica.name])
        first = self.replicas[0].crm("client", "add", "--name", "Shared card", "--json")
        self.hot_client = first.stdout.split('"id":"')[1].split('"')[0]
        if daemons:
            for replica in self.replicas:
                replica.start_daemon()
        self.writers = None

    def write(self, kill_probability=0.0, pause=(0.05, 0.3)):
        self.writers = Writers(self.replicas, self.seed, pause=pause, kill_probability=kill_probability, hot_client=self.hot_client)
        self.writers.start()
        return self.writers

    def heal(self):
        self.lab.clear()
        self.proxy.clear()
        if not self.server.alive():
            self.server.start()
        for replica in self.replicas:
            replica.ensure_daemon()

    def finish(self, timeout=180):
        """Stops typing, heals, waits for convergence, verifies; returns figures."""
        if self.writers:
            self.writers.stop()
        self.heal()
        converged = checks.wait_converged(self.server, self.replicas, timeout)
        figures = checks.verify(self.server, self.replicas, self.writers.acked if self.writers else [],
                                self.writers.maybe if self.writers else [], self.writers.failed if self.writers else [])
        figures["converged_after_heal_s"] = round(converged, 2)
        return figures

    def close(self):
        for replica in self.replicas:
            try:
                replica.stop_daemon()
            except Exception:
                pass
        if self.server:
            self.server.stop()
        self.lab.teardown()
        if not os.environ.get("CRM_FAULTS_KEEP"):
            subprocess.run(["rm", "-rf", self.directory])


def network(bins, seed, scale):
    """Loss, resets, a 1 mbit link, lost and delayed replies, then a partition that heals."""
    cluster = Cluster(bins, seed)
    try:
        cluster.write()
        phase = 6 * scale
        heals = []
        for name, inject in [("loss 10%", lambda: cluster.lab.loss(0.10)),
                             ("resets 5%", lambda: cluster.lab.resets(0.05)),
                             ("1 mbit", lambda: cluster.lab.bandwidth("1mbit")),
                             ("lost replies 25% + delay 0-150 ms", lambda: setattr(cluster.proxy, "drop_reply", 0.25) or setattr(cluster.proxy, "delay", (0, 0.15))),
                             ("partition", cluster.lab.partition)]:
            inject()
            time.sleep(phase)
            cluster.heal()
            heals.append(measure_heal(cluster))
        figures = cluster.finish()
        figures.update(replies_dropped=cluster.proxy.replies_dropped, heal_convergence_s=heals)
        return figures
    finally:
        cluster.close()


def measure_heal(cluster, timeout=120):
    """Seconds from a heal until replicas agree, with typing paused meanwhile."""
    cluster.writers.stop()
    seconds = checks.wait_converged(cluster.server, cluster.replicas, timeout)
    cluster.writers.start()
    return round(seconds, 2)


def server_kill(bins, seed, scale, kills=None):
    """SIGKILL the server at random moments of pushes and pulls; restart it each time."""
    kills = kills or 20 * scale
    rng = random.Random(seed)
    cluster = Cluster(bins, seed)
    resumes = []
    try:
        cluster.write(pause=(0.02, 0.15))
        for _ in range(kills):
            time.sleep(rng.uniform(0.2, 1.2))
            cluster.server.kill(signal.SIGKILL)
            integrity = query(cluster.server.db, "PRAGMA integrity_check", readonly=False)
            if integrity != [("ok",)]:
                raise checks.Failure(f"store integrity after SIGKILL: {integrity[:3]}")
            before = cluster.server.applied()
            cluster.server.start()
            restarted = time.monotonic()
            resumes.append(wait_resumed(cluster, before, restarted))
        figures = cluster.finish()
        resumes.sort()
        figures.update(kills=kills, resume_p50_s=resumes[len(resumes) // 2], resume_max_s=resumes[-1])
        if resumes[-1] > 5:
            raise checks.Failure(f"a workstation took {resumes[-1]} s to resume after a restart (limit 5 s)")
        return figures
    finally:
        cluster.close()


def wait_resumed(cluster, before, restarted, timeout=30):
    """Seconds from a restart until every workstation has pushed again."""
    sites = {r.meta()["site"] for r in cluster.replicas}
    waiting = set(sites)
    while waiting and time.monotonic() - restarted < timeout:
        applied = cluster.server.applied()
        waiting = {s for s in waiting if applied.get(s, 0) <= before.get(s, 0)}
        time.sleep(0.05)
    if waiting:
        raise checks.Failure(f"{len(waiting)} workstations did not resume within {timeout} s of a restart")
    return round(time.monotonic() - restarted, 2)


def client_kill(bins, seed, scale):
    """SIGKILL writes half-way, SIGKILL daemons mid-sync, SIGSTOP/SIGCONT them."""
    rng = random.Random(seed)
    cluster = Cluster(bins, seed)
    kills = stops = 0
    try:
        cluster.write(kill_probability=0.3, pause=(0.02, 0.15))
        deadline = time.monotonic() + 20 * scale
        while time.monotonic() < deadline:
            replica = rng.choice(cluster.replicas)
            if rng.random() < 0.5:
                replica.signal_daemon(signal.SIGKILL)
                kills += 1
                time.sleep(rng.uniform(0.1, 0.8))
                replica.start_daemon()
            else:
                replica.signal_daemon(signal.SIGSTOP)
                stops += 1
                time.sleep(rng.uniform(0.3, 2.0))
                replica.signal_daemon(signal.SIGCONT)
            time.sleep(rng.uniform(0.1, 0.5))
        figures = cluster.finish()
        figures.update(daemon_kills=kills, daemon_stops=stops, writes_killed=len(cluster.writers.maybe))
        return figures
    finally:
        cluster.close()


SKEWS = ["+262s", "-262s", "+1d", "-1d"]


def skew(bins, seed, scale):
    """Daemons and staff under faketime at ±262 s and ±1 day; concurrent edits of one card
    by a clock ahead and a clock behind: the edit made later in real time wins."""
    cluster = Cluster(bins, seed, clocks=SKEWS)
    outcomes = []
    try:
        cluster.write()
        time.sleep(5 * scale)
        cluster.writers.stop()
        checks.wait_converged(cluster.server, cluster.replicas, 120)
        pairs = [(0, 1), (1, 0), (2, 3), (3, 2), (2, 1), (3, 0)] * scale
        for round_number, (first, second) in enumerate(pairs):
            a, b = cluster.replicas[first], cluster.replicas[second]
            for replica in (a, b):
                replica.signal_daemon(signal.SIGSTOP)
            names = [f"Round {round_number} by {a.name}", f"Round {round_number} by {b.name}"]
            if a.crm("client", "edit", cluster.hot_client, "--name", names[0]).returncode != 0:
                raise checks.Failure(f"{a.name} could not edit")
            time.sleep(1.5)
            if b.crm("client", "edit", cluster.hot_client, "--name", names[1]).returncode != 0:
                raise checks.Failure(f"{b.name} could not edit")
            for replica in (a, b):
                replica.signal_daemon(signal.SIGCONT)
            checks.wait_converged(cluster.server, cluster.replicas, 120)
            held = {query(r.path, "SELECT name FROM client WHERE id = ?", (cluster.hot_client,))[0][0] for r in cluster.replicas}
            outcomes.append(f"{SKEWS[first]} then {SKEWS[second]}: {'later edit' if held == {names[1]} else held}")
            if held != {names[1]}:
                raise checks.Failure(f"clock {SKEWS[first]} edited first, {SKEWS[second]} 1.5 s later, yet replicas hold {held}")
        figures = cluster.finish()
        figures.update(conflict_rounds=len(outcomes), later_edit_won=len(outcomes))
        return figures
    finally:
        cluster.close()


SERVER_POINTS = [("fdatasync", "EIO", 1), ("fsync", "EIO", 1)] + [("pwrite64", error, when) for when in range(1, 11) for error in ("EIO", "ENOSPC")]
CLIENT_POINTS = [("fdatasync", "EIO", 1)] + [("pwrite64", error, when) for when in (1, 2, 4, 8, 16) for error in ("EIO", "ENOSPC")]


def io_errors(bins, seed, scale):
    """fsync EIO and pwrite EIO/ENOSPC injected with strace at each write of a push on the
    server (from the first write on) and of a pull on a workstation."""
    cluster = Cluster(bins, seed, replicas=2, daemons=False)
    writer, reader = cluster.replicas
    acked, reached, seen_codes = [], 0, set()
    server_points = SERVER_POINTS if scale > 1 else SERVER_POINTS[:2] + [p for p in SERVER_POINTS[2:] if p[2] in (1, 5, 10)]
    client_points = CLIENT_POINTS if scale > 1 else CLIENT_POINTS[:1] + [p for p in CLIENT_POINTS[1:] if p[2] in (1, 8)]
    try:
        for number, (syscall, error, when) in enumerate(server_points):
            for k in range(3):
                mark = f"F-io-{number}-{k}"
                if writer.crm("client", "add", "--name", mark).returncode == 0:
                    acked.append(("client", mark))
            tracer = subprocess.Popen(["strace", "-f", "-qq", "-p", str(cluster.server.pid), "-e", f"trace={syscall}",
                                       "-e", f"inject={syscall}:error={error}:when={when}+", "-o", "/dev/null"])
            time.sleep(0.7)
            failed = writer.crm("sync", timeout=120)
            tracer.send_signal(signal.SIGINT)
            tracer.wait(timeout=30)
            if failed.returncode != 0:
                reached += 1
                codes = [c for c in ("disk_full", "storage_io_error") if c in failed.stderr]
                if "503" not in failed.stderr or not codes:
                    raise checks.Failure(f"server {syscall} {error} #{when}: expected a 503 naming the cause, got: {failed.stderr.strip()[-300:]}")
                seen_codes.update(codes)
            if not cluster.server.alive():
                raise checks.Failure(f"server died after {syscall} {error} #{when}")
            meta, applied = writer.meta(), cluster.server.applied()
            if meta["acked_seq"] > applied.get(meta["site"], 0):
                raise checks.Failure(f"after {syscall} {error} #{when} the workstation holds acks past what the server stored")
            retried = writer.crm("sync", timeout=120)
            if retried.returncode != 0:
                raise checks.Failure(f"sync after {syscall} {error} #{when} healed still fails: {retried.stderr.strip()[-300:]}")
        client_reached = 0
        for number, (syscall, error, when) in enumerate(client_points):
            for k in range(20):
                mark = f"F-pull-{number}-{k}"
                if writer.crm("client", "add", "--name", mark).returncode == 0:
                    acked.append(("client", mark))
            if writer.crm("sync").returncode != 0:
                raise checks.Failure("writer could not sync")
            failed = run(["strace", "-f", "-qq", "-e", f"trace={syscall}", "-e", f"inject={syscall}:error={error}:when={when}+",
                          "-o", "/dev/null"] + reader.command("sync"), timeout=120)
            if failed.returncode != 0:
                client_reached += 1
                if not any(w in failed.stderr.lower() for w in ("disk", "i/o", "full")):
                    raise checks.Failure(f"workstation {syscall} {error} #{when}: unclear error: {failed.stderr.strip()[-300:]}")
            integrity = query(reader.path, "PRAGMA integrity_check", readonly=False)
            if integrity != [("ok",)]:
                raise checks.Failure(f"replica integrity after {syscall} {error} #{when}: {integrity[:3]}")
            retried = reader.crm("sync", timeout=120)
            if retried.returncode != 0:
                raise checks.Failure(f"workstation sync after {syscall} {error} #{when} still fails: {retried.stderr.strip()[-300:]}")
        checks.wait_converged(cluster.server, cluster.replicas, 120)
        figures = checks.verify(cluster.server, cluster.replicas, acked)
        figures.update(server_points=len(server_points), server_points_failing_a_push=reached,
                       client_points=len(client_points), client_points_failing_a_pull=client_reached, codes=sorted(seen_codes))
        return figures
    finally:
        cluster.close()


def full_disk(bins, seed, scale):
    """The server's store on a 3 MiB filesystem: a push that does not fit gets 503 disk_full,
    the server stays up, and once the disk grows the same push goes through."""
    mount = tempfile.mkdtemp(prefix="crm-small-disk-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount], check=True)
    try:
        cluster = Cluster(bins, seed, replicas=2, daemons=False, store_dir=mount)
        writer = cluster.replicas[0]
        try:
            acked = []
            for k in range(10):
                mark = f"F-disk-{k}"
                if writer.crm("client", "add", "--name", mark).returncode == 0:
                    acked.append(("client", mark))
            subprocess.run([bins.bench, "seed", "--replica", writer.path, "--count", "30000", "--batch", "1000"], check=True,
                           capture_output=True)
            failed = writer.crm("sync", timeout=300)
            if failed.returncode == 0 or "disk_full" not in failed.stderr:
                raise checks.Failure(f"a push to a full disk should fail with disk_full: rc {failed.returncode} {failed.stderr.strip()[-300:]}")
            if not cluster.server.alive() or run(["curl", "-sf", cluster.server.url + "/v1/health"]).returncode != 0:
                raise checks.Failure("the server is down after its disk filled")
            meta, applied = writer.meta(), cluster.server.applied()
            if meta["acked_seq"] > applied.get(meta["site"], 0):
                raise checks.Failure("the workstation holds acks past what the full server stored")
            stored_when_full = applied.get(meta["site"], 0)
            subprocess.run(["mount", "-o", "remount,size=256m", mount], check=True)
            retried = writer.crm("sync", timeout=300)
            if retried.returncode != 0:
                raise checks.Failure(f"sync after the disk grew still fails: {retried.stderr.strip()[-300:]}")
            checks.wait_converged(cluster.server, cluster.replicas, 300)
            figures = checks.verify(cluster.server, cluster.replicas, acked)
            figures.update(stored_when_full=stored_when_full, message=failed.stderr.strip().splitlines()[-1][:160])
            return figures
        finally:
            cluster.close()
    finally:
        subprocess.run(["umount", "-l", mount])
        os.rmdir(mount)


def catchup(bins, seed, scale, changes=None):
    """A workstation offline while the server gathers `changes` changes reconnects over a
    1 mbit link and is cut off 5 times; every resume continues from its last page."""
    changes = changes or (5_000 if scale == 1 else 100_000)
    # `crm sync --pull-page`, smaller on slow links: a cut costs at most the page in flight.
    page = str(max(100, changes // 50))
    cluster = Cluster(bins, seed, replicas=3, daemons=False)
    writer, clean, late = cluster.replicas
    try:
        subprocess.run([bins.bench, "seed", "--replica", writer.path, "--count", str(changes)], check=True, capture_output=True)
        if writer.crm("sync", timeout=600).returncode != 0:
            raise checks.Failure("the writer could not push its changes")
        start = cluster.proxy.bytes_down
        if clean.crm("sync", "--pull-page", page, timeout=600).returncode != 0:
            raise checks.Failure("the clean pull failed")
        clean_bytes = cluster.proxy.bytes_down - start
        cluster.lab.bandwidth("1mbit")
        start = cluster.proxy.bytes_down
        cluster.proxy.cut_at = [start + clean_bytes * k // 6 for k in range(1, 6)]
        began, attempts = time.monotonic(), 0
        while True:
            attempts += 1
            result = late.crm("sync", "--pull-page", page, timeout=3600)
            if result.returncode == 0:
                break
            if attempts > 20:
                raise checks.Failure(f"catch-up did not finish: {result.stderr.strip()[-300:]}")
        seconds = time.monotonic() - began
        late_bytes = cluster.proxy.bytes_down - start
        cluster.lab.clear()
        ratio = late_bytes / clean_bytes
        if cluster.proxy.cuts != 5:
            raise checks.Failure(f"expected 5 forced disconnects, made {cluster.proxy.cuts}")
        if ratio > 1.2:
            raise checks.Failure(f"catch-up moved {ratio:.2f}x the bytes of a clean pull (limit 1.2x): {late_bytes} vs {clean_bytes} bytes, {attempts} runs, {seconds:.0f} s")
        for replica in (clean, late):
            if checks.differences(writer.path, replica.path):
                raise checks.Failure(f"{replica.name} differs from the writer after catch-up")
        return {"changes": changes, "pull_page": int(page), "clean_pull_bytes": clean_bytes, "catch_up_bytes": late_bytes, "ratio": round(ratio, 3),
                "disconnects": cluster.proxy.cuts, "catch_up_s": round(seconds, 1), "crm_sync_runs": attempts}
    finally:
        cluster.close()


def partition(bins, seed, scale):
    """A long partition between workstations connected straight to the server (no proxy):
    their own sockets must notice the dead link, so they resume soon after it heals."""
    cluster = Cluster(bins, seed, direct=True)
    heals = []
    try:
        cluster.write()
        for _ in range(2 * scale):
            time.sleep(3)
            cluster.lab.partition()
            time.sleep(60 if scale > 1 else 30)
            cluster.heal()
            heals.append(measure_heal(cluster))
        figures = cluster.finish()
        figures.update(partitions=len(heals), partition_s=60 if scale > 1 else 30, heal_convergence_s=heals)
        return figures
    finally:
        cluster.close()
