"""The fault suite: `scripts/faults.sh` (bounded, for CI), `--full` (the issue's counts) or
`scripts/soak.sh --minutes N`. Seeded: a failure prints its seed, `--seed S` replays the
same schedule (timing on a real machine still varies). Exits non-zero on any lost,
duplicated or divergent change."""

import argparse
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(__file__))

import checks  # noqa: E402
import scenarios  # noqa: E402
from soak import soak  # noqa: E402

SCENARIOS = {
    "network": scenarios.network,
    "partition": scenarios.partition,
    "server-kill": scenarios.server_kill,
    "client-kill": scenarios.client_kill,
    "skew": scenarios.skew,
    "io-errors": scenarios.io_errors,
    "full-disk": scenarios.full_disk,
    "catchup": scenarios.catchup,
}


class Bins:
    def __init__(self, directory):
        self.crm = os.path.join(directory, "crm")
        self.server = os.path.join(directory, "crm-server")
        self.bench = os.path.join(directory, "crm-bench")


def negative_control(bins, seed):
    """The checks must catch a lost acknowledged change: one is removed from a replica behind
    the sync engine's back, as a broken apply would."""
    cluster = scenarios.Cluster(bins, seed)
    try:
        writers = cluster.write()
        time.sleep(3)
        writers.stop()
        checks.wait_converged(cluster.server, cluster.replicas, 60)
        kind, mark = next(a for a in writers.acked if a[0] == "client")
        victim = cluster.replicas[2]
        victim.stop_daemon()
        from cluster import query
        query(victim.path, "DELETE FROM client WHERE name = ?", (mark,), readonly=False)
        try:
            checks.verify(cluster.server, cluster.replicas, writers.acked)
        except checks.Failure as failure:
            return {"caught": str(failure)[:160]}
        raise checks.Failure("negative control: a lost acknowledged change went unnoticed")
    finally:
        cluster.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="directory of crm, crm-server and crm-bench")
    parser.add_argument("--full", action="store_true", help="the issue's full counts (200 server kills, 100,000-change catch-up)")
    parser.add_argument("--only", default="", help="comma-separated scenarios: " + ", ".join(SCENARIOS))
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    parser.add_argument("--soak-minutes", type=float, help="run the soak schedule for this many minutes instead")
    parser.add_argument("--results", help="write the figures as JSON here")
    args = parser.parse_args()
    bins = Bins(args.bin)
    scale = 10 if args.full else 1
    results, failed = {}, []
    print(f"fault suite, seed {args.seed} (replay: --seed {args.seed})", flush=True)
    if args.soak_minutes is not None:
        plan = [("soak", lambda: soak(bins, args.seed, args.soak_minutes))]
    else:
        names = [n for n in args.only.split(",") if n] or list(SCENARIOS)
        unknown = [n for n in names if n not in SCENARIOS]
        if unknown:
            parser.error(f"--only: unknown scenario {unknown[0]!r}; known: {', '.join(SCENARIOS)}")
        plan = [(name, (lambda f=SCENARIOS[name]: f(bins, args.seed, scale))) for name in names]
        if not args.only:
            plan.append(("negative-control", lambda: negative_control(bins, args.seed)))
    for name, function in plan:
        started = time.monotonic()
        print(f"== {name}", flush=True)
        try:
            figures = function()
            figures["seconds"] = round(time.monotonic() - started, 1)
            results[name] = figures
            print(f"   ok {json.dumps(figures)}", flush=True)
        except Exception as error:  # noqa: BLE001
            failed.append(name)
            results[name] = {"error": str(error)}
            print(f"   FAILED (seed {args.seed}): {error}", flush=True)
            if not isinstance(error, checks.Failure):
                traceback.print_exc()
    if args.results:
        with open(args.results, "w") as out:
            json.dump({"seed": args.seed, "full": args.full, "results": results}, out, indent=2)
    if failed:
        print(f"fault suite FAILED: {', '.join(failed)} (seed {args.seed})")
    else:
        print(f"fault suite passed: {', '.join(results)}")
    if "soak" in results and "error" not in results["soak"]:
        # The soak's figures are its last lines.
        soaked = results["soak"]
        print(f"changes acknowledged: {soaked['acknowledged']}")
        print(f"lost: {soaked['lost']}")
        print(f"duplicated: {soaked['duplicated']}")
        print(f"divergences: {soaked['divergent']}")
        print(f"p99 convergence after heal: {soaked['p99_convergence_after_heal_s']} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
