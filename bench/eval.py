"""Extraction quality: score `examples/` and the development corpus against their gold files.

    python bench/eval.py              # prints per-policy lines and totals
    python bench/eval.py --write      # also rewrites bench/RESULTS-extraction.md
    python bench/eval.py --extra "held-out=/path/to/folder"   # a folder of policies with its gold.json

The corpus (``../shared/corpus``) is used when it is beside the checkout; it is not shipped.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from policykg.evaluate import evaluate, report_lines  # noqa: E402

SETS = [
    ("examples", os.path.join(ROOT, "examples", "policies"), os.path.join(ROOT, "examples", "gold.json"),
     os.path.join(ROOT, "examples", "policies", "manifest.csv")),
    ("corpus (18 real policies, 2 Japanese)", os.path.join(ROOT, "..", "shared", "corpus"),
     os.path.join(ROOT, "..", "shared", "corpus", "gold.json"), None),
]
TARGETS = "targets: examples P,R >= 0.97; corpus P >= 0.95, R >= 0.90, data R >= 0.85, collected R >= 0.85, every controller"


def _commit() -> str:
    try:
        out = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "policykg"],
                               capture_output=True, text=True).stdout.strip()
        return out.stdout.strip() + (" (+ uncommitted changes)" if dirty else "")
    except OSError:
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="rewrite bench/RESULTS-extraction.md")
    ap.add_argument("-q", "--quiet", action="store_true", help="totals only")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=DIR",
                    help="also score DIR (policies and a gold.json) under NAME, e.g. a held-out set")
    args = ap.parse_args()
    sets = SETS + [(n, d, os.path.join(d, "gold.json"), None) for n, d in (x.split("=", 1) for x in args.extra)]
    md = ["# Extraction quality", "",
          f"Measured by `python bench/eval.py --write` at commit {_commit()} on {time.strftime('%Y-%m-%d')} "
          f"(Python {platform.python_version()}, {os.cpu_count()} cores).", "", TARGETS, "",
          "| set | recipients P | recipients R | tp / fp / fn | data-to-recipient R | collected R | controller |",
          "|---|---|---|---|---|---|---|"]
    details = []
    for name, folder, gold, manifest in sets:
        if not os.path.exists(gold):
            print(f"{name}: {gold} not found, skipped")
            continue
        sc = evaluate([folder], gold, manifest=manifest)
        lines = report_lines(sc)
        print(f"== {name}")
        print("\n".join(lines[-1:] if args.quiet else lines))
        ok, n = sc.controllers
        md.append(f"| {name} | {sc.precision:.2f} | {sc.recall:.2f} | {sc.tp} / {sc.fp} / {sc.fn} | "
                  f"{sc.data_recall:.2f} | {sc.collected_recall:.2f} | {ok}/{n} |")
        details += ["", f"## {name}", "", "```", *lines, "```"]
    if args.write:
        with open(os.path.join(ROOT, "bench", "RESULTS-extraction.md"), "w", encoding="utf-8") as fh:
            fh.write("\n".join(md + details) + "\n")


if __name__ == "__main__":
    main()
