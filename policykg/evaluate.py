"""Score extraction against a gold file: named recipients, the data each receives, collected data, controller.

The gold format is that of ``shared/corpus/gold.json`` (one entry per file stem)::

    {"001_github": {"controller": ["GitHub", "GitHub, Inc."],
                    "recipients": [{"org": "Microsoft", "aliases": ["microsoft"], "kind": "required",
                                    "data": ["any"]}, ...],
                    "collected": ["name", "email", ...]}}

Counting follows the project's reference scorer: a required recipient found is a true positive, one
not found a miss; a named organisation matching no gold recipient (required or allowed) is an extra;
unnamed recipients (law enforcement, advertisers) are not scored. Data are compared by coarse keys
(``evaluate-keys.json``: name, email, payment, ...).

>>> from policykg.evaluate import evaluate            # doctest: +SKIP
>>> score = evaluate(["examples/policies"], "examples/gold.json", manifest="examples/policies/manifest.csv")
>>> round(score.precision, 2), round(score.recall, 2)  # doctest: +SKIP
(1.0, 1.0)
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

_SUFFIX = re.compile(r"\b(inc|llc|ltd|limited|co|corp|corporation|company|group|holdings|gmbh|ag|sa|kk|plc|pte|pty|"
                     r"international)\b")


def norm(s: str | None) -> str:
    """The form names are compared in: NFKC, lower case, no company suffix or punctuation."""
    s = unicodedata.normalize("NFKC", s or "").lower()
    s = s.replace("株式会社", " ").replace("有限会社", " ")
    s = re.sub(r"[^\w\s.]", " ", s)
    s = re.sub(r"\.(?!\w)", " ", s)
    s = _SUFFIX.sub(" ", s)
    return re.sub(r"\s+", " ", s).strip()


@lru_cache(maxsize=1)
def _keys() -> dict[str, tuple[set[str], re.Pattern]]:
    raw = json.loads(resources.files("policykg").joinpath("evaluate-keys.json").read_text(encoding="utf-8"))
    return {k: (set(v["iri_local_names"]), re.compile(v["label_pattern"])) for k, v in raw["keys"].items()}


def data_keys(item: dict) -> set[str]:
    """Coarse keys (name, email, payment, ...) of one data item ``{"label", "iri"}``."""
    local = re.split(r"[#/]", item.get("iri") or "")[-1]
    label = unicodedata.normalize("NFKC", item.get("label") or "").lower()
    return {k for k, (locals_, rx) in _keys().items() if local in locals_ or rx.search(label)}


def stem(path: str | None) -> str:
    return re.sub(r"\.(txt|html?|md|markdown|pdf)$", "", os.path.basename(path or ""))


def _match(rec: dict, gold_recs: list[dict]) -> dict | None:
    cands = {norm(rec.get("organization")), norm(rec.get("name"))} - {""}
    for g in gold_recs:
        for a in [g["org"], *g.get("aliases", [])]:
            na = norm(a)
            for c in cands:
                if (c == na or re.search(r"(^| )" + re.escape(na) + r"( |$)", c)
                        or (len(c) > 2 and re.search(r"(^| )" + re.escape(c) + r"( |$)", na))):
                    return g
    return None


@dataclass
class PolicyScore:
    """One policy's counts and every miss and extra, by name."""
    policy: str
    tp: int = 0
    extras: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    data_hit: int = 0
    data_total: int = 0
    data_missed: list[str] = field(default_factory=list)
    collected_hit: int = 0
    collected_total: int = 0
    collected_missed: list[str] = field(default_factory=list)
    controller_ok: bool | None = None        # None: the gold names no controller
    controller_found: str = ""
    no_output: bool = False

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + len(self.extras))

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + len(self.missed))


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


@dataclass
class Score:
    """Totals over every policy of the gold file."""
    policies: list[PolicyScore]

    def _sum(self, attr):
        return sum(getattr(p, attr) if not isinstance(getattr(p, attr), list) else len(getattr(p, attr))
                   for p in self.policies)

    @property
    def tp(self) -> int:
        return self._sum("tp")

    @property
    def fp(self) -> int:
        return self._sum("extras")

    @property
    def fn(self) -> int:
        return self._sum("missed")

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def data_recall(self) -> float:
        return _ratio(self._sum("data_hit"), self._sum("data_total"))

    @property
    def collected_recall(self) -> float:
        return _ratio(self._sum("collected_hit"), self._sum("collected_total"))

    @property
    def controllers(self) -> tuple[int, int]:
        judged = [p for p in self.policies if p.controller_ok is not None]
        return sum(p.controller_ok for p in judged), len(judged)

    def summary(self) -> str:
        ok, n = self.controllers
        return (f"recipients P={self.precision:.2f} R={self.recall:.2f} (tp={self.tp} fp={self.fp} fn={self.fn}) | "
                f"flow-data R={self.data_recall:.2f} ({self._sum('data_hit')}/{self._sum('data_total')}) | "
                f"collected R={self.collected_recall:.2f} ({self._sum('collected_hit')}/{self._sum('collected_total')}) | "
                f"controller {ok}/{n}")

    def to_dict(self) -> dict:
        ok, n = self.controllers
        return {"precision": self.precision, "recall": self.recall, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "data_recall": self.data_recall, "collected_recall": self.collected_recall,
                "controllers_found": ok, "controllers_named": n,
                "policies": [{**p.__dict__, "precision": p.precision, "recall": p.recall} for p in self.policies]}


def score_policy(sid: str, gold: dict, pred: dict | None) -> PolicyScore:
    """Score one policy's extraction (``PolicyResult.to_dict()``) against its gold entry."""
    ps = PolicyScore(sid, no_output=pred is None)
    pred = pred or {}
    found: dict[str, set[str]] = {}
    extras: set[str] = set()
    for fl in pred.get("flows", []):
        rec = fl.get("recipient") or {}
        if not rec.get("organization"):
            continue
        g = _match(rec, gold["recipients"])
        if g is None:
            extras.add(norm(rec.get("organization")))
            continue
        keys = found.setdefault(g["org"], set())
        keys.update(k for d in fl.get("data", []) for k in data_keys(d))
        keys.add("_any" if fl.get("data") else "_none")
    ps.extras = sorted(extras)
    for r in (r for r in gold["recipients"] if r["kind"] == "required"):
        if r["org"] not in found:
            ps.missed.append(r["org"])
            continue
        ps.tp += 1
        for k in r.get("data", []):
            ps.data_total += 1
            ok = "_any" in found[r["org"]] if k == "any" else k in found[r["org"]]
            ps.data_hit += ok
            if not ok:
                ps.data_missed.append(f"{r['org']}: {k}")
    got: set[str] = set()
    for d in pred.get("collected", []):
        got |= data_keys(d)
    for fl in pred.get("flows", []):
        for d in fl.get("data", []):
            got |= data_keys(d)
    for k in gold.get("collected", []):
        ps.collected_total += 1
        ps.collected_hit += k in got
        if k not in got:
            ps.collected_missed.append(k)
    if gold.get("controller"):
        name = norm((pred.get("controller") or {}).get("name"))
        ps.controller_found = name
        ps.controller_ok = any(norm(c) and (norm(c) in name or (bool(name) and name in norm(c)))
                               for c in gold["controller"])
    return ps


def load_gold(path: str) -> dict:
    with open(path, encoding="utf-8") as fh:
        return {k: v for k, v in json.load(fh).items() if not k.startswith("_")}


def score(gold: dict, predictions: list[dict]) -> Score:
    """Score extraction results (dicts as ``PolicyResult.to_dict()``) against a loaded gold file."""
    by_stem = {stem(p.get("source")): p for p in predictions}
    return Score([score_policy(sid, g, by_stem.get(sid)) for sid, g in sorted(gold.items())])


def evaluate(paths: list[str], gold_path: str, manifest: str | None = None) -> Score:
    """Extract every policy under ``paths`` (folders walked) and score the results against ``gold_path``."""
    from .build import extract_one, iter_policy_files, manifest_for, read_manifest
    from .extract import ReadError
    gold = load_gold(gold_path)
    man = read_manifest(manifest) if manifest else None
    preds = []
    for path in iter_policy_files(paths):
        if stem(path) not in gold:
            continue
        try:
            preds.append(extract_one(path, manifest_for(path, man)).to_dict())
        except ReadError:
            continue
    return score(gold, preds)


def report_lines(sc: Score) -> list[str]:
    """Per-policy lines (P, R, every miss and extra), then the totals line."""
    out = []
    for p in sc.policies:
        ctl = "" if p.controller_ok is None else ("controller ok" if p.controller_ok else
                                                  f"controller MISSED (found {p.controller_found!r})")
        out.append(f"{p.policy}: P={p.precision:.2f} R={p.recall:.2f} tp={p.tp} "
                   f"data {p.data_hit}/{p.data_total} collected {p.collected_hit}/{p.collected_total} {ctl}".rstrip())
        if p.no_output:
            out.append("    no output for this policy")
        for m in p.missed:
            out.append(f"    missed recipient: {m}")
        for e in p.extras:
            out.append(f"    extra recipient: {e}")
        for d in p.data_missed:
            out.append(f"    missed data: {d}")
        for c in p.collected_missed:
            out.append(f"    missed collected: {c}")
    out.append(sc.summary())
    return out
