"""What a fault run must prove: replicas converge to the server, every acknowledged change
is there exactly once, nothing is applied twice, and every file passes its integrity check."""

import subprocess
import time

from cluster import query

DATA_TABLES = ["branch", "staff_user", "custom_field", "client", "client_tag", "memo", "schedule", "journal", "task",
               "room", "course", "enrolment", "planned_call", "ledger_entry", "conflict"]


def differences(left, right):
    """sqldiff --primarykey of the data tables; empty when the replicas hold the same rows."""
    out = []
    for table in DATA_TABLES:
        result = subprocess.run(["sqldiff", "--primarykey", "--table", table, left, right], capture_output=True, text=True)
        out.append(result.stdout + result.stderr)
    return "".join(out).strip()


def in_step(server, replicas):
    """Whether every replica has pushed everything and pulled up to the server's last position."""
    top = server.max_position()
    for replica in replicas:
        meta = replica.meta()
        if replica.pending() or meta["pull_cursor"] < top:
            return False
    return True


def wait_converged(server, replicas, timeout):
    """Seconds until all replicas are in step with the server and identical; raises on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        for replica in replicas:
            replica.ensure_daemon()
        if in_step(server, replicas) and all(not differences(replicas[0].path, r.path) for r in replicas[1:]):
            return time.monotonic() - started
        time.sleep(0.25)
    states = {r.name: (r.meta()["pull_cursor"], r.pending()) for r in replicas}
    diffs = {r.name: differences(replicas[0].path, r.path)[:300] for r in replicas[1:]}
    raise Failure(f"replicas did not converge within {timeout} s (server at {server.max_position()}; cursor, pending: {states}); "
                  f"differences from {replicas[0].name}: {diffs}; {explain(server, replicas, diffs)}")


def explain(server, replicas, diffs):
    """For a client row that differs: what each replica and the server hold, and the log."""
    import re
    match = next((re.search(r"UPDATE client SET .* WHERE id='([0-9a-f-]+)'", d) for d in diffs.values() if "UPDATE client" in d), None)
    if not match:
        return ""
    row = match.group(1)
    held = {r.name: query(r.path, "SELECT name FROM client WHERE id = ?", (row,)) for r in replicas}
    record = query(server.db, "SELECT fields FROM record WHERE entity = 'client' AND row_id = ?", (row,))
    log = query(server.db, "SELECT position, site, seq, wire FROM change_log WHERE json_extract(wire, '$.r') = ? ORDER BY position DESC LIMIT 6", (row,))
    sites = {r.meta()["site"]: r.name for r in replicas}
    return f"client {row}: replicas hold {held}; server record {record}; last log entries {log}; sites {sites}"


class Failure(Exception):
    pass


def verify(server, replicas, acked, maybe=(), failed=()):
    """Every check; returns figures, raises Failure listing every problem found."""
    problems = []
    if failed:
        problems.append(f"{len(failed)} writes refused without a fault, e.g. {failed[0]}")
    for path in [server.db] + [r.path for r in replicas]:
        result = query(path, "PRAGMA integrity_check")
        if result != [("ok",)]:
            problems.append(f"integrity_check of {path}: {result[:3]}")
    duplicates = query(server.db, "SELECT site, seq, count(*) FROM change_log GROUP BY site, seq HAVING count(*) > 1")
    if duplicates:
        problems.append(f"{len(duplicates)} (site, seq) applied twice, e.g. {duplicates[0]}")
    applied = server.applied()
    for site, top in query(server.db, "SELECT site, max(seq) FROM change_log GROUP BY site"):
        if site in applied and top > applied[site]:
            problems.append(f"site {site}: log holds seq {top} past applied {applied[site]} (a partial batch)")
    # Each replica's own stamps never go back.
    for site, in query(server.db, "SELECT DISTINCT site FROM change_log"):
        stamps = [h for h, in query(server.db, "SELECT json_extract(wire, '$.hlc') FROM change_log WHERE site = ? ORDER BY seq", (site,))]
        if any(b < a for a, b in zip(stamps, stamps[1:])):
            problems.append(f"site {site}: HLC went back")
    for replica in replicas:
        meta = replica.meta()
        if meta["acked_seq"] > applied.get(meta["site"], 0):
            problems.append(f"{replica.name}: acknowledged through seq {meta['acked_seq']} but the server applied {applied.get(meta['site'], 0)}")
    server_names = {}
    for name, in query(server.db, "SELECT json_extract(fields, '$.name.v') FROM record WHERE entity = 'client' AND deleted = 0"):
        server_names[name] = server_names.get(name, 0) + 1
    lost = duplicated = 0
    for replica in replicas:
        names = dict(query(replica.path, "SELECT name, count(*) FROM client WHERE name LIKE 'F-%' GROUP BY name"))
        memos = dict(query(replica.path, "SELECT text, count(*) FROM memo WHERE text LIKE 'M-%' GROUP BY text"))
        for kind, mark in acked:
            count = (names if kind == "client" else memos).get(mark, 0)
            if count == 0:
                lost += 1
                problems.append(f"{replica.name}: acknowledged {kind} {mark} is missing")
            elif count > 1:
                duplicated += 1
                problems.append(f"{replica.name}: {kind} {mark} appears {count} times")
        for kind, mark in maybe:
            if (names if kind == "client" else memos).get(mark, 0) > 1:
                duplicated += 1
                problems.append(f"{replica.name}: interrupted {kind} {mark} appears twice")
    for kind, mark in acked:
        if kind == "client" and server_names.get(mark, 0) != 1:
            problems.append(f"server: acknowledged client {mark} held {server_names.get(mark, 0)} times")
    divergent = [r.name for r in replicas[1:] if differences(replicas[0].path, r.path)]
    if divergent:
        problems.append(f"replicas differ from {replicas[0].name}: {divergent}")
    figures = {"acknowledged": len(acked), "interrupted": len(maybe), "lost": lost, "duplicated": duplicated,
               "divergent": len(divergent), "log": server.max_position()}
    if problems:
        raise Failure("; ".join(problems[:12]) + (f" (+{len(problems) - 12} more)" if len(problems) > 12 else ""))
    return figures
