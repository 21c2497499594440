"""Organisation names the registry does not know, found from how a policy speaks of them.

"We use Greenhouse to handle applications", "powered by Khoros", "Fluxx.io", and the other
names of a "such as" list that also names a known vendor. A name is kept only where it is
plainly a proper noun: capitalised, never written in lower case in the same text, and not a
data category, a place, a capitalised common word or the controller itself.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from .controller import is_controller_name
from .lexicon import Lexicon
from .literals import GatedPattern
from .model import Party
from .phrases import fold

_WORD = r"[A-Z][A-Za-z0-9&'’+.\-]*[A-Za-z0-9]"
NAME = rf"(?P<name>{_WORD}(?:[ ](?:{_WORD}|&)){{0,2}})"
_ITEM = re.compile(rf"{_WORD}(?:[ ](?:{_WORD}|&)){{0,2}}")
_ITEM_SEP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


@lru_cache(maxsize=1)
def _rules():
    raw = json.loads(resources.files("policykg.extract").joinpath("names.json").read_text(encoding="utf-8"))
    pats = [GatedPattern(re.compile(p.replace("{NAME}", NAME))) for p in raw["patterns"]]
    lists = GatedPattern(re.compile(raw["lists"]))
    GatedPattern.share_literals([*pats, lists])   # they all read the whole text
    return pats, lists, frozenset(raw["stop"])


def written_in_lower_case(text: str, name: str) -> bool:
    """The text writes the name in lower case somewhere (so it is a common word there)."""
    low = name.lower()
    rx = re.compile(r"(?<![\w.@/])" + re.escape(low) + r"(?![\w])")
    i = text.find(low)   # (a match starts where the lower-case name is: tried there only)
    while i != -1:
        if rx.match(text, i):
            return True
        i = text.find(low, i + 1)
    return False


def plausible(name: str, text: str, lex: Lexicon, controller: Party) -> bool:
    """A capitalised name that is an organisation's, not a common word, data category, place or the controller."""
    _pats, _lists, stop = _rules()
    words = name.split()
    if len(name) < 3 or words[0] in stop or words[-1] in stop or name.isupper() and len(name) <= 3:
        return False
    domain_like = re.fullmatch(r"[\w-]+\.[a-z]{2,4}", name) is not None   # "counter.dev" is written in lower case
    if (not domain_like and written_in_lower_case(text, name)) or is_controller_name(name, controller):
        return False
    folded = fold(name)
    for matcher in (lex.data_matcher, lex.purpose_matcher, lex.recipient_matcher):
        if any(b - a >= len(name) - 1 for a, b, _k in matcher.finditer(name, folded)):
            return False
    return not any(b - a >= len(name) - 1 for a, b, _k in lex.places.finditer(name, fold(name, lower=False)))


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while b > a and text[b - 1] in ".’'":
        b -= 1
    return a, b


def find_names(text: str, lex: Lexicon, controller: Party, known) -> list[tuple[int, int, str]]:
    """(start, end, name) of organisations named by their context; ``known`` (flows.Spans) are names found before."""
    pats, lists, _stop = _rules()
    found: dict[tuple[int, int], str] = {}
    for rx in pats:
        for m in rx.finditer(text):
            a, b = _trim(text, m.start("name"), m.end("name"))
            found[(a, b)] = text[a:b]
    for m in lists.finditer(text):   # "such as Stripe, Adyen and Paddle": the others of a list of vendors
        items, pos = [], m.end()
        for _ in range(12):
            im = _ITEM.match(text, pos)
            if not im:
                break
            items.append(_trim(text, im.start(), im.end()))
            sep = _ITEM_SEP.match(text, im.end())
            if not sep:
                break
            pos = sep.end()
        if len(items) >= 2 and any(known.overlaps(a, b) for a, b in items):
            for a, b in items:
                found.setdefault((a, b), text[a:b])
    out = []
    for (a, b), name in sorted(found.items()):
        if known.overlaps(a, b) or lex.registry.find_name(name):
            continue
        if plausible(name, text, lex, controller):
            out.append((a, b, name))
    return out
