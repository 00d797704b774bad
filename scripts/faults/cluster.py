"""The real processes of a fault run: the crm-server, its organisation, and the replicas with
their `crm sync --watch` daemons and the writers that type into them."""

import glob
import json
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time



def clear_faketime_leftovers():
    """Removes the named semaphores and shared memory of `faketime` wrappers that were
    SIGKILLed: a later wrapper that gets the same process id would otherwise fail with
    "sem_open: File exists". (Preloading libfaketime without the wrapper is no way out:
    Swift programs then lose their command-line arguments.)"""
    for path in glob.glob("/dev/shm/sem.faketime_sem_*") + glob.glob("/dev/shm/faketime_shm_*"):
        pid = path.rsplit("_", 1)[-1]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            try:
                os.remove(path)
            except OSError:
                pass


def run(cmd, timeout=60, env=None):
    """Runs a command; returns CompletedProcess (never raises on a non-zero exit)."""
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(cmd, 124, e.stdout or "", (e.stderr or "") + "\n(timed out)")


def must(cmd, timeout=60):
    """Runs a command that has to succeed; returns its stdout."""
    result = run(cmd, timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def field(text, name):
    return json.loads(text)[name]


def query(path, sql, args=(), readonly=True):
    """Rows of `sql` on an SQLite file that other processes may be writing."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    for attempt in range(50):
        try:
            with sqlite3.connect(uri, uri=True, timeout=10) as db:
                return db.execute(sql, args).fetchall()
        except sqlite3.OperationalError as e:
            if attempt == 49:
                raise
            time.sleep(0.1)


class Server:
    """crm-server on its embedded SQLite store, bound to a fixed address so that it can be
    killed and restarted on the same port; inside the lab's network namespace when given."""

    def __init__(self, bins, db, host, port, netns=None, log=None):
        self.bins, self.db, self.host, self.port, self.netns = bins, db, host, port, netns
        self.log = log or (db + ".log")
        self.process = None
        self.starts = 0

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def admin(self, *args):
        return must([self.bins.server, "admin", *args, "--db", self.db])

    def organisation(self, users):
        """A branch and one executive per name; returns their device tokens."""
        branch = field(self.admin("add-branch", "--name", "Fault lab", "--json"), "id")
        tokens = {}
        for name in users:
            user = field(self.admin("add-user", "--name", name, "--role", "executive", "--branch", branch, "--json"), "id")
            tokens[name] = field(self.admin("issue-token", "--user", user, "--device", name, "--json"), "token")
        return tokens

    def start(self, timeout=30):
        prefix = ["ip", "netns", "exec", self.netns] if self.netns else []
        out = open(self.log, "a")
        self.process = subprocess.Popen(prefix + [self.bins.server, "serve", "--db", self.db, "--host", self.host,
                                                  "--port", str(self.port)],
                                        stdout=subprocess.PIPE, stderr=out, text=True, start_new_session=True)
        line = self.process.stdout.readline()
        if "listening" not in line:
            raise RuntimeError(f"crm-server did not start: {line!r}; see {self.log}")
        self.starts += 1
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def kill(self, sig=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self):
        self.kill(signal.SIGTERM)

    @property
    def pid(self):
        return self.process.pid

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def max_position(self):
        return query(self.db, "SELECT coalesce(max(position), 0) FROM change_log")[0][0]

    def applied(self):
        return dict(query(self.db, "SELECT site_id, applied_seq FROM site_state"))


class Replica:
    """One workstation: a replica file, its daemon, and the clock it runs under."""

    def __init__(self, bins, directory, name, clock=None):
        self.bins, self.name, self.clock = bins, name, clock
        self.path = os.path.join(directory, name + ".crm")
        self.log = os.path.join(directory, name + ".daemon.log")
        self.daemon = None
        self.stopped = False

    def command(self, *args):
        prefix = ["faketime", "-f", self.clock] if self.clock else []
        if self.clock:
            clear_faketime_leftovers()
        return prefix + [self.bins.crm, *args, "--replica", self.path]

    def crm(self, *args, timeout=60):
        return run(self.command(*args), timeout)

    def init(self, url, token):
        result = self.crm("init", "--server", url, "--token", token)
        if result.returncode != 0:
            raise RuntimeError(f"crm init {self.name}: {result.stderr}")

    def start_daemon(self):
        out = open(self.log, "a")
        self.daemon = subprocess.Popen(self.command("sync", "--watch"), stdout=out, stderr=out, start_new_session=True)
        self.stopped = False

    def signal_daemon(self, sig):
        if self.daemon and self.daemon.poll() is None:
            os.killpg(self.daemon.pid, sig)
            if sig == signal.SIGKILL:
                self.daemon.wait(timeout=30)
            self.stopped = sig == signal.SIGSTOP

    def ensure_daemon(self):
        """Restarts the daemon if it died (a fault run expects it to keep going)."""
        if self.daemon is None or self.daemon.poll() is not None:
            self.start_daemon()
            return True
        if self.stopped:
            self.signal_daemon(signal.SIGCONT)
        return False

    def stop_daemon(self):
        if self.daemon and self.daemon.poll() is None:
            if self.stopped:
                os.killpg(self.daemon.pid, signal.SIGCONT)
            os.killpg(self.daemon.pid, signal.SIGTERM)
            try:
                self.daemon.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.daemon.pid, signal.SIGKILL)
                self.daemon.wait()

    def meta(self):
        row = query(self.path, "SELECT pull_cursor, acked_seq, next_seq, site_id, last_hlc, last_error FROM replica_meta")[0]
        return dict(zip(["pull_cursor", "acked_seq", "next_seq", "site", "last_hlc", "last_error"], row))

    def pending(self):
        return query(self.path, "SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM pending_row_read)")[0][0]


class Writers:
    """Staff typing: a thread per replica adds client cards and memos with unique marks, and
    edits one shared card's name (conflicts). A write counts as acknowledged when `crm`
    exits 0; with `kill_probability`, some writes are SIGKILLed mid-way (they may or may not
    have happened, but must not happen twice)."""

    def __init__(self, replicas, seed, pause=(0.05, 0.3), kill_probability=0.0, hot_client=None):
        self.replicas, self.pause, self.kill_probability, self.hot_client = replicas, pause, kill_probability, hot_client
        self.random = random.Random(seed)
        self.acked = []      # (kind, mark)
        self.maybe = []      # (kind, mark): killed before it answered
        self.failed = []     # (kind, mark, stderr): refused without being killed, a defect
        self.lock = threading.Lock()
        self.running = threading.Event()
        self.threads = []
        self.counter = 0

    def start(self):
        self.running.set()
        self.threads = [threading.Thread(target=self._loop, args=(r, self.random.randrange(1 << 30)), daemon=True)
                        for r in self.replicas]
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.running.clear()
        for thread in self.threads:
            thread.join()

    def _write(self, replica, args, rng):
        process = subprocess.Popen(replica.command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        killed = bool(self.kill_probability) and rng.random() < self.kill_probability
        if killed:
            time.sleep(rng.uniform(0, 0.08))
            process.kill()
        out, err = process.communicate(timeout=60)
        return (process.returncode if not killed or process.returncode == 0 else -9), out, err

    def _loop(self, replica, seed):
        rng = random.Random(seed)
        own = []
        while self.running.is_set():
            with self.lock:
                self.counter += 1
                n = self.counter
            choice = rng.random()
            if choice < 0.55 or not own:
                mark = f"F-{replica.name}-{n}"
                code, out, err = self._write(replica, ["client", "add", "--name", mark, "--json"], rng)
                kind = "client"
                if code == 0:
                    own.append(json.loads(out)["id"])
            elif choice < 0.85:
                mark = f"M-{replica.name}-{n}"
                code, _, err = self._write(replica, ["memo", "add", rng.choice(own), "--text", mark], rng)
                kind = "memo"
            else:
                if self.hot_client:
                    self._write(replica, ["client", "edit", self.hot_client, "--name", f"H-{replica.name}-{n}"], rng)
                time.sleep(rng.uniform(*self.pause))
                continue
            with self.lock:
                if code == 0:
                    self.acked.append((kind, mark))
                elif code == -9:
                    self.maybe.append((kind, mark))
                else:
                    self.failed.append((kind, mark, err.strip()))
            time.sleep(rng.uniform(*self.pause))
