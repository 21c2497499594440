"""Helpers for the benchmark scripts: run a command and sample the memory of its process tree,
describe the machine."""
from __future__ import annotations

import os
import platform
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    parent, rss = {}, {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            parent[int(d)], rss[int(d)] = int(fields[1]), int(fields[21]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        for c, pp in parent.items():
            if pp == p and c not in tree:
                tree.add(c)
                frontier.append(c)
    return sum(rss.get(p, 0) for p in tree)


def run_measured(cmd: list[str], **kw) -> dict:
    """Run ``cmd``; its wall time, exit status, output and the peak resident memory of its
    process tree (the build and its workers together), sampled every 0.1 s."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    peak = [0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.1)
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    t.join()
    return {"wall": wall, "rc": proc.returncode, "peak_rss": peak[0], "stdout": out, "stderr": err}


def speed() -> float:
    """Milliseconds a fixed pure-Python workload takes (best of five): how fast the machine is just
    now, to compare runs made at different times (this machine's speed varies by 10 % and more)."""
    import re
    text = "The quick brown fox jumps over the lazy dog, twice. " * 8000
    rx = re.compile(r"\b\w+\b")
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        sum(len(w) for w in rx.findall(text)) + sum(i * i for i in range(800_000))
        best = min(best, time.perf_counter() - t)
    return best * 1000


def machine() -> dict:
    """Cores, memory, CPU model, load average, Python, pyoxigraph and the commit."""
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    from importlib.metadata import version
    return {"cores": len(os.sched_getaffinity(0)), "memory_gib": mem / 2**30, "cpu": model,
            "load": os.getloadavg(), "speed_ms": speed(), "python": platform.python_version(),
            "pyoxigraph": version("pyoxigraph"),
            "commit": commit + (" (with uncommitted changes)" if dirty else "")}
