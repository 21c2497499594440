"""A synthetic corpus for benchmarks: the example policies with their company and its processors
swapped for other names, written to a folder.

    python bench/corpus.py 1000 [DIR]     # prints the folder (a new temporary one without DIR)

Policy ``i`` is example ``i % 5`` with the company's names replaced by a generated company
(``corpus-names.json``) and every organisation of the registry the text names replaced by
another registry organisation of the same category (so flows still extract). A
``manifest.csv`` gives the generated company where the example's manifest names one.
"""
from __future__ import annotations

import csv
import json
import os
import random
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples", "policies")
sys.path.insert(0, ROOT)

from policykg.build import read_manifest  # noqa: E402
from policykg.ontology import path as ontology_path  # noqa: E402

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus-names.json"), encoding="utf-8") as _fh:
    NAMES = json.load(_fh)


def company(i: int) -> tuple[str, str]:
    """(brand, full name) of the i-th generated company: distinct for every i."""
    first, second, suffixes = NAMES["first"], NAMES["second"], NAMES["suffixes"]
    i, a = divmod(i, len(first))
    i, b = divmod(i, len(second))
    i, c = divmod(i, len(suffixes))
    brand = first[a] + second[b] + (f"{i + 1}" if i else "")
    return brand, f"{brand} {suffixes[c]}"


def _names_regex(names) -> re.Pattern:
    alts = sorted(set(names), key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9_.])(?:" + "|".join(map(re.escape, alts)) + r")(?![A-Za-z0-9_])")


class Swapper:
    """Replaces registry organisations named in a text by others of the same category."""

    def __init__(self):
        with ontology_path("organizations.json").open(encoding="utf-8") as fh:
            orgs = [o for o in json.load(fh)["organizations"] if o.get("role") == "recipient"]
        self.by_name = {}
        for o in orgs:
            for n in [o["name"], *o.get("aliases", [])]:
                if len(n) >= 3:
                    self.by_name.setdefault(n, o)
        self.regex = _names_regex(self.by_name)
        self.by_category: dict[str, list[dict]] = {}
        for o in orgs:
            if o["name"].isascii() and len(o["name"]) >= 4:
                self.by_category.setdefault(o["category"], []).append(o)

    def template(self, text: str) -> tuple[list[str], list[dict]]:
        """The text split around the organisations it names: (pieces, organisations between them)."""
        parts = self.regex.split(text)
        return parts, [self.by_name[n] for n in self.regex.findall(text)]

    def swap(self, template: tuple[list[str], list[dict]], rng: random.Random) -> str:
        parts, orgs = template
        chosen: dict[str, str] = {}
        out = [parts[0]]
        for o, after in zip(orgs, parts[1:]):
            if o["id"] not in chosen:
                others = [x for x in self.by_category.get(o["category"], []) if x["id"] != o["id"]] or [o]
                chosen[o["id"]] = rng.choice(others)["name"]
            out += [chosen[o["id"]], after]
        return "".join(out)


def make_corpus(n: int, out_dir: str | None = None, seed: int = 1) -> str:
    """Write ``n`` policies and a manifest.csv to ``out_dir`` (a new temporary folder if None)."""
    out_dir = out_dir or tempfile.mkdtemp(prefix="policykg-corpus-")
    os.makedirs(out_dir, exist_ok=True)
    man = read_manifest(os.path.join(EXAMPLES, "manifest.csv"))
    files = sorted(f for f in os.listdir(EXAMPLES) if f in NAMES["company_names"])
    texts = {}
    for f in files:
        with open(os.path.join(EXAMPLES, f), encoding="utf-8") as fh:
            texts[f] = fh.read()
    company_res = {f: _names_regex(NAMES["company_names"][f]) for f in files}
    swapper, rng = Swapper(), random.Random(seed)
    templates = {}
    for f in files:                    # the company's names marked, the organisations found, once
        marked = company_res[f].sub(lambda m: "\0" + ("F" if m.group(0) == max(NAMES["company_names"][f], key=len)
                                                      else "l" if m.group(0).islower() else "B") + "\0", texts[f])
        templates[f] = swapper.template(marked)
    with open(os.path.join(out_dir, "manifest.csv"), "w", newline="", encoding="utf-8") as mfh:
        w = csv.writer(mfh)
        w.writerow(["file", "language", "controller", "country"])
        for i in range(n):
            f = files[i % len(files)]
            brand, full = company(i)
            text = swapper.swap(templates[f], rng)
            text = text.replace("\0F\0", full).replace("\0l\0", brand.lower()).replace("\0B\0", brand)
            name = f"p{i:06d}-{f}"
            with open(os.path.join(out_dir, name), "w", encoding="utf-8") as fh:
                fh.write(text)
            e = man.get(f)
            w.writerow([name, e.language or "", full if e.controller else "", e.country or ""])
    return out_dir


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(make_corpus(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None))
