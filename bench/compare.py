"""`make bench-compare`: two bench results side by side, scenario by scenario.

    python -m bench.compare                 # bench/results/previous.json -> latest.json
    python -m bench.compare OLD.json NEW.json

The ratios are the figures to compare: each was measured against its reference in the same
run, so two runs on a machine loaded differently still compare. The app's own CPU per 1,000
requests is shown too, with its change; it moves with the machine (and is only comparable
between runs of the same mode).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _load(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise SystemExit(f"{path}: no such results file (run `make bench` first)") from None
    return data


def _f(value: float | None, spec: str) -> str:
    width = int(spec.split(".")[0] or 0)
    return "-".rjust(width) if value is None else format(value, spec)


def compare(old: dict[str, Any], new: dict[str, Any]) -> str:
    lines = [
        f"{label}: {run['mode']} run {run['when']} at {run.get('commit')}, "
        f"load average {run['load_average_before'][0]:.2f}"
        for label, run in (("old", old), ("new", new))
    ]
    if old["mode"] != new["mode"]:
        lines.append("(different modes: data set sizes differ, compare ratios only)")
    lines += [
        "",
        f"{'scenario':28} {'target':>7} | {'old':>5} {'new':>5} {'change':>7} | "
        f"{'app CPU ms/1k':>13} {'change':>7} | held",
    ]
    before = {r["name"]: r for r in old["scenarios"]}
    for r in new["scenarios"]:
        o = before.pop(r["name"], None)
        ratio_old = o["ratio"] if o else None
        change = (
            f"{(r['ratio'] / ratio_old - 1) * 100:+6.1f}%"
            if ratio_old and r["ratio"]
            else "      -"
        )
        cpu_old = o["app"]["cpu_ms_per_1k"] if o else None
        cpu_new = r["app"]["cpu_ms_per_1k"]
        cpu_change = f"{(cpu_new / cpu_old - 1) * 100:+6.1f}%" if cpu_old and cpu_new else "      -"
        held = {True: "held", False: "MISSED", None: ""}
        target = f">= {r['target']:.2f}" if r["target"] is not None else "-"
        lines.append(
            f"{r['name']:28} {target:>7} | "
            f"{_f(ratio_old, '5.2f')} {_f(r['ratio'], '5.2f')} {change} | "
            f"{_f(cpu_old, '6.0f')} {_f(cpu_new, '6.0f')} {cpu_change} | "
            f"{held[o['held']] if o else 'new'} -> {held[r['held']]}"
        )
    for name in before:
        lines.append(f"{name:28} (only in the old run)")
    om, nm = old.get("memory", {}), new.get("memory", {})
    lines.append(
        f"\npeak memory on the large data set: {_f(om.get('peak_rss_mib'), '.0f')} -> "
        f"{_f(nm.get('peak_rss_mib'), '.0f')} MiB"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) == 2:
        old, new = Path(argv[0]), Path(argv[1])
    elif not argv:
        old, new = RESULTS / "previous.json", RESULTS / "latest.json"
    else:
        raise SystemExit("usage: python -m bench.compare [OLD.json NEW.json]")
    print(compare(_load(old), _load(new)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
