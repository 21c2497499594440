"""Seconds to read and extract a 5 MB file written on one line (issue 6: target under 10 s).

    python bench/long_line.py [MB] [--limit SECONDS] [--only NAME]

Cases, each a file of MB megabytes (default 5) with no line break:
  html    minified HTML: policy sentences in <p> and <li> elements, no newline anywhere
  plain   policy words (data categories, recipients, cues) with no sentence punctuation
  token   one single 'word' of letters
  prose   policy sentences with full stops but no newline
Each case runs in its own process (the lexicon is loaded before the clock starts) and is
stopped after --limit seconds (default 120), printed as '>LIMIT'.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import sys
import tempfile
import time

SENTENCE = ("We share your name, email address and payment card number with Stripe, Inc. and Google "
            "Analytics for payment processing and analytics. ")
WORDS = ("personal data shared with partners including Google and Stripe service providers name "
         "email address cookies ")


def make(case: str, size: int) -> tuple[str, bytes]:
    """(file name, bytes) of one case."""
    if case == "html":
        unit = f"<p>{SENTENCE}</p><ul><li>Stripe</li><li>PayPal</li></ul>"
        body = unit * (size // len(unit) + 1)
        return "min.html", ("<!doctype html><html><body>" + body + "</body></html>").encode()[:size]
    if case == "plain":
        return "plain.txt", (WORDS * (size // len(WORDS) + 1)).encode()[:size]
    if case == "token":
        return "token.txt", b"a" * size
    if case == "prose":
        return "prose.txt", (SENTENCE * (size // len(SENTENCE) + 1)).encode()[:size]
    raise ValueError(case)


def _run(path: str, out) -> None:
    from policykg.extract import extract_file, extract_text
    extract_text("Acme Inc. shares your email address with Stripe.")   # lexicon loaded before the clock
    t = time.perf_counter()
    r = extract_file(path)
    out.put((time.perf_counter() - t, r.chars, len(r.flows)))


def measure(case: str, size: int, limit: float) -> str:
    name, data = make(case, size)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        with open(path, "wb") as fh:
            fh.write(data)
        q: mp.Queue = mp.Queue()
        p = mp.Process(target=_run, args=(path, q))
        p.start()
        p.join(limit)
        if p.is_alive():
            p.kill()
            p.join()
            return f"{case:6} {size / 1e6:.1f} MB  >{limit:.0f} s (stopped)"
        if q.empty():
            return f"{case:6} {size / 1e6:.1f} MB  failed (exit {p.exitcode})"
        secs, chars, flows = q.get()
        return f"{case:6} {size / 1e6:.1f} MB  {secs:7.2f} s  ({chars:,} characters of text, {flows} flows)"


def main(argv: list[str]) -> None:
    mb, limit, only = 5.0, 120.0, None
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--limit":
            limit = float(args.pop(0))
        elif a == "--only":
            only = args.pop(0)
        else:
            mb = float(a)
    for case in ("token", "html", "prose", "plain"):
        if only in (None, case):
            print(measure(case, int(mb * 1_000_000), limit), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main(sys.argv[1:])
