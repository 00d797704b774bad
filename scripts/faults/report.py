"""Prints the figures of a fault run (`run.py --results FILE`) as a Markdown table, for
docs/reliability.md:  python3 scripts/faults/report.py RESULTS.json [MORE.json ...]"""

import json
import sys

KEYS = {
    "network": ["acknowledged", "replies_dropped", "heal_convergence_s"],
    "partition": ["partitions", "partition_s", "heal_convergence_s"],
    "server-kill": ["kills", "acknowledged", "resume_p50_s", "resume_max_s"],
    "client-kill": ["acknowledged", "writes_killed", "daemon_kills", "daemon_stops"],
    "skew": ["acknowledged", "conflict_rounds", "later_edit_won"],
    "io-errors": ["server_points", "server_points_failing_a_push", "client_points", "client_points_failing_a_pull", "codes"],
    "full-disk": ["stored_when_full", "acknowledged"],
    "catchup": ["changes", "pull_page", "clean_pull_bytes", "catch_up_bytes", "ratio", "disconnects", "catch_up_s"],
    "soak": ["minutes", "acknowledged", "interrupted", "heals", "p99_convergence_after_heal_s", "max_convergence_after_heal_s", "slowest_heal_after", "nemeses"],
    "negative-control": ["caught"],
}


def main():
    print("| scenario | run | result | figures |")
    print("|---|---|---|---|")
    for path in sys.argv[1:]:
        with open(path) as handle:
            run = json.load(handle)
        kind = "soak" if "soak" in run["results"] else "full" if run.get("full") else "bounded"
        label = f"{kind}, seed {run['seed']}"
        for name, figures in run["results"].items():
            if "error" in figures:
                print(f"| {name} | {label} | **failed** | {figures['error'][:160]}… |")
                continue
            parts = [f"{key.replace('_', ' ')} {figures[key]}" for key in KEYS.get(name, []) if key in figures]
            checks = f"lost {figures['lost']}, duplicated {figures['duplicated']}, divergent {figures['divergent']}; " if "lost" in figures else ""
            print(f"| {name} | {label} | ok | {checks}{'; '.join(parts)}; {figures.get('seconds', '?')} s |")


if __name__ == "__main__":
    main()
