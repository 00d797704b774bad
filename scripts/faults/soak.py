"""The full nemesis schedule for a given time: random faults one after another while staff
type on four workstations (two with skewed clocks), each fault healed and the time to
converge measured; the figures are printed last."""

import random
import signal
import time

import checks
from scenarios import Cluster, measure_heal


def soak(bins, seed, minutes):
    rng = random.Random(seed)
    cluster = Cluster(bins, seed, clocks=(None, "+262s", None, "-1d"))
    counts, heals = {}, []
    try:
        cluster.write(kill_probability=0.1)
        nemeses = {
            "loss": lambda: cluster.lab.loss(rng.choice([0.05, 0.1, 0.2])),
            "resets": lambda: cluster.lab.resets(rng.choice([0.02, 0.05])),
            "1 mbit": lambda: cluster.lab.bandwidth("1mbit"),
            "lost replies": lambda: setattr(cluster.proxy, "drop_reply", rng.choice([0.1, 0.3])),
            "delay": lambda: setattr(cluster.proxy, "delay", (0, rng.choice([0.05, 0.3]))),
            "partition": cluster.lab.partition,
            "server SIGKILL": lambda: cluster.server.kill(signal.SIGKILL),
            "daemon SIGKILL": lambda: rng.choice(cluster.replicas).signal_daemon(signal.SIGKILL),
            "daemon SIGSTOP": lambda: rng.choice(cluster.replicas).signal_daemon(signal.SIGSTOP),
        }
        deadline = time.monotonic() + minutes * 60
        while time.monotonic() < deadline:
            chosen = rng.sample(sorted(nemeses), rng.choice([1, 1, 2]))
            for name in chosen:
                nemeses[name]()
                counts[name] = counts.get(name, 0) + 1
            time.sleep(rng.uniform(3, 12))
            cluster.heal()
            heals.append((measure_heal(cluster, timeout=180), "+".join(chosen)))
        figures = cluster.finish()
    finally:
        cluster.close()
    heals.sort()
    figures.update(minutes=minutes, nemeses=counts, heals=len(heals),
                   p99_convergence_after_heal_s=heals[min(len(heals) - 1, int(len(heals) * 0.99))][0] if heals else 0,
                   max_convergence_after_heal_s=heals[-1][0] if heals else 0,
                   slowest_heal_after=heals[-1][1] if heals else "")
    return figures
