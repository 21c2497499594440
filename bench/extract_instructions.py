"""Extraction cost in CPU instructions per policy (valgrind's callgrind): a measure that, unlike
seconds, does not move with how fast the machine happens to be (this one drifts by 10-20 %).

    python bench/extract_instructions.py [N]       # default 40 generated policies

Runs the extraction of 0 and of N policies under ``valgrind --tool=callgrind`` (the lexicon
loaded in both) and prints the difference divided by N. Use it to compare two versions of the
code: the same version gives the same count to a few parts in a thousand. Takes about a minute.
It counts instructions, not cache misses: a change of data structure can cost fewer instructions
and more time (Aho-Corasick DFAs instead of NFAs: 1.6 % fewer instructions, 3 % slower), so
confirm such a change with alternating timed runs (``extract_rate.py``).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile

from corpus import make_corpus
from measure import ROOT

RUN = """
import sys
sys.path.insert(0, {root!r})
from policykg.build import extract_one, iter_policy_files, manifest_for, read_manifest
folder, n = sys.argv[1], int(sys.argv[2])
man = read_manifest(folder + "/manifest.csv")
files = sorted(iter_policy_files([folder]))
extract_one(files[0], manifest_for(files[0], man))
for f in files[1:n + 1]:
    extract_one(f, manifest_for(f, man))
"""


def instructions(folder: str, n: int, work: str) -> int:
    script = os.path.join(work, "run.py")
    with open(script, "w") as fh:
        fh.write(RUN.format(root=ROOT))
    out = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={work}/cg.%p",
                          sys.executable, script, folder, str(n)],
                         capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    m = re.search(r"Collected : (\d+)", out.stderr)
    if out.returncode != 0 or not m:
        raise SystemExit(f"valgrind failed: {out.stderr.strip()[-500:]}")
    return int(m.group(1))


def measure(n: int = 40) -> float:
    """Millions of instructions a policy, over ``n`` generated policies."""
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    work = tempfile.mkdtemp(prefix="policykg-instr-")
    try:
        folder = make_corpus(n + 1, os.path.join(work, "corpus"))
        return (instructions(folder, n, work) - instructions(folder, 0, work)) / n / 1e6
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    print(f"extraction: {measure(n):.2f} M instructions a policy ({n} generated policies, callgrind)")
