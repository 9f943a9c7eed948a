"""The export benchmark's fault run: the same base exported again while the emulator answers
5 % of requests with 503, drops 2 % of connections and expires every paged table's iterator
once after its first page, measured against the best time the requests it needed allow.

"Best possible time" is the requests the base admitted divided by the rate limit: at 5
requests/s no client can finish sooner. Under faults that count includes every request the
faults forced — the retry after each 503 or dropped connection, and for each expired iterator
the 422 itself plus a second read of the table's first page (Airtable's documented answer to
LIST_RECORDS_ITERATOR_NOT_AVAILABLE is to start the listing again,
https://airtable.com/developers/web/api/list-records). So the ratio wall time / best possible
time shows what the exporter loses beyond what the faults cost by themselves: backoff sleeps
that leave the rate budget unused, and pacing slack.
"""

from __future__ import annotations

from typing import Any

# The emulator's --faults spec (src/leadgen/airtable/emulator/faults.py); the seed is the
# bench's --seed, so a run's faults can be repeated.
FAULT_RATES = "5xx=0.05:503,drop=0.02,expire_each_table=1"

BASE_FREE_PATHS = ("/v0/meta/bases", "/v0/meta/whoami")  # not counted against the base's limit


def fault_spec(seed: int) -> str:
    return f"{FAULT_RATES},seed={seed}"


def count_log(log: list[Any]) -> dict[str, int]:
    """What the emulator saw, by outcome; `admitted` = requests the base's limit let through."""
    base = [r for r in log if r.path not in BASE_FREE_PATHS]
    return {
        "admitted": sum(r.status != 429 for r in base),
        "status_503": sum(r.status == 503 for r in base),
        "dropped": sum(r.status is None for r in base),
        "status_422": sum(r.status == 422 for r in base),
    }


def against_best(seconds: float, server: dict[str, Any], rate_limit: float) -> dict[str, Any]:
    """Wall time beside the best possible time for the requests this run needed."""
    best = server["admitted"] / rate_limit
    return {
        "requests_needed": server["admitted"],
        "best_possible_seconds": round(best, 2),
        "ratio_to_best_possible": round(seconds / best, 4) if best else None,
    }


def faulted_figures(
    summary: Any,
    server: dict[str, Any],
    clean: dict[str, Any],
    same: bool,
    rate_limit: float,
    spec: str,
) -> dict[str, Any]:
    """One faulted run's figures; `clean` is the fault-free run's on the same base."""
    stats = summary.as_dict()
    restarts = int(stats["iterator_restarts"])
    return {
        "faults": spec,
        "seconds": stats["seconds"],
        "records_read": stats["records_read"],
        "complete": stats["complete"],
        "records_equal_fault_free": same,
        "client": {
            k: stats[k]
            for k in (
                "requests",
                "retries",
                "server_errors",
                "network_errors",
                "iterator_restarts",
                "rate_limited",
            )
        },
        "server": server,
        **against_best(float(stats["seconds"]), server, rate_limit),
        # The requests the faults forced, counted by the server and explained by the client:
        "extra_requests": server["admitted"] - clean["requests_needed"],
        "extra_explained": {
            "retries_after_503": int(stats["server_errors"]),
            "retries_after_drop": int(stats["network_errors"]),
            "expired_iterators": restarts,
            "first_pages_read_again": restarts,
        },
    }


def describe(f: dict[str, Any]) -> str:
    """One line for the terminal."""
    x = f["extra_explained"]
    return (
        f"under faults: {f['records_read']:,} records in {f['seconds']} s, "
        f"{f['requests_needed']} requests ({f['extra_requests']} extra: "
        f"{x['retries_after_503']} after 503, {x['retries_after_drop']} after drops, "
        f"{x['expired_iterators']} × 422 + {x['first_pages_read_again']} first pages again); "
        f"best possible {f['best_possible_seconds']} s, ratio {f['ratio_to_best_possible']}, "
        f"records equal fault-free: {f['records_equal_fault_free']}"
    )


def docs_lines(result: dict[str, Any]) -> list[str]:
    """The fault table of the Export section: both runs of each base, same bench run."""
    rate = result["emulator"]["rate_limit"]
    seed = result["runs"][0]["base"]["seed"]
    lines = [
        "### Under faults",
        "",
        "Each base is exported twice in the same run against the same emulator process:",
        f"fault-free, then with `--faults {FAULT_RATES},seed={seed}` (5 % of",
        "requests answered 503, 2 % of connections closed without a response, every table that",
        "needs more than one page meeting 422 LIST_RECORDS_ITERATOR_NOT_AVAILABLE once, after",
        'its first page). "Best possible" is the requests the base admitted (the extra ones the',
        f"faults forced included) at exactly {rate:g} requests/s; the ratio is wall time over it.",
        "",
        "| base | run | seconds | requests "
        "| extra: after 503 / after drop / 422 + first page again "
        "| best possible | ratio | 429s | records equal fault-free |",
        "|---|---|---:|---:|---|---:|---:|---:|---|",
    ]
    for run in result["runs"]:
        b, c, f = run["base"], run["export_base"], run["faulted"]
        x = f["extra_explained"]
        sent = f["server"]["requests"]  # the fault draws cover every request, as seen
        share_503, share_drop = f["server"]["status_503"] / sent, f["server"]["dropped"] / sent
        lines += [
            f"| {b['companies']} companies | fault-free | {c['seconds']} | {c['requests_needed']} "
            f"| – | {c['best_possible_seconds']} s | {c['ratio_to_best_possible']:.3f} "
            f"| {c['server']['status_429']} | (the source: {c['records_equal_source']}) |",
            f"| {b['companies']} companies | faults | {f['seconds']} | {f['requests_needed']} "
            f"| {f['extra_requests']}: {x['retries_after_503']} ({share_503:.1%} 503s) / "
            f"{x['retries_after_drop']} ({share_drop:.1%} drops) / "
            f"{x['expired_iterators']} + {x['first_pages_read_again']} "
            f"| {f['best_possible_seconds']} s | {f['ratio_to_best_possible']:.3f} "
            f"| {f['server']['status_429']} | {f['records_equal_fault_free']} |",
        ]
    lines += [
        "",
        "What the faults cost, per base: the faulted run's time beyond the fault-free one, beside",
        f"its extra requests at {rate:g} requests/s (what no client could avoid):",
        "",
    ]
    for run in result["runs"]:
        c, f = run["export_base"], run["faulted"]
        lost = float(f["seconds"]) - float(c["seconds"])
        lines.append(
            f"- {run['base']['companies']} companies: {lost:.1f} s more; its "
            f"{f['extra_requests']} extra requests alone take {f['extra_requests'] / rate:.1f} s"
        )
    lines += [
        "",
        "The extra requests are the server's count (faulted minus fault-free on the same base),",
        "split by the exporter's own counters; the emulator's count of 503s, drops and 422s is",
        "in the JSON beside them. The shares are of the requests the emulator received; the",
        "seeded draws are one sequence, the same for both bases. A ratio can dip below 1: the",
        "limit allows 5 requests in any 1-second window, so a client starting with a burst of 5",
        "gains up to 1 s on requests/rate.",
        "",
    ]
    return lines
