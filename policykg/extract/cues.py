"""Cue patterns (``cues.json``) and a quick test of which of them a sentence can match.

A cue is a list of regular expressions matched case-insensitively; it matches a text when
one of them does. Reading each expression gives the literal strings any match of it must
contain (``required_literals``). One Aho-Corasick pass over a sentence finds which of those
literals it holds, and only the expressions whose literals are all there are run: the answer
is the same as running every expression, in a fraction of the time.
"""
from __future__ import annotations

import re

import ahocorasick_rs

from .literals import lower_for_literals, required_literals
from .phrases import find_all

def _has_backreference(pattern: str) -> bool:
    """A pattern whose groups are referred to by number (they number differently inside a union)."""
    return re.search(r"\\[1-9]|\(\?\(", pattern) is not None


def _telling(factor: frozenset[str]) -> bool:
    """A literal set worth looking for: none of its literals is as common as two ASCII letters or one kana."""
    return min(len(x) + sum(not c.isascii() for c in x) for x in factor) >= 3


class CueSet:
    """Every cue of ``cues.json``, and one automaton over the literals their patterns require.

    >>> cs = CueSet({"flow": [r"\\bshar(e|ed)\\b", r"\\bsold\\b"]})
    >>> found = cs.scan("We never SHARE it.")
    >>> cs.has("flow", "We never SHARE it.", found), cs.has("flow", "We sell it.")
    (True, False)
    """

    def __init__(self, cues: dict[str, list[str]]):
        self.rx: dict[str, re.Pattern] = {}            # each cue as one pattern
        self.always: dict[str, list[re.Pattern]] = {}  # patterns run on every text (no telling literal)
        self.gated: dict[str, frozenset[int]] = {}     # ids of the patterns run only where their literals are
        self.parts: list[tuple[re.Pattern, list[frozenset[int]]]] = []   # pattern, literal-id sets it needs
        self.gate: dict[int, list[int]] = {}           # literal id -> patterns of which it may open the gate
        lit_id: dict[str, int] = {}
        for name, patterns in cues.items():
            self.rx[name] = re.compile("|".join(f"(?:{p})" for p in patterns), re.I)
            always, gated = [], []
            for p in ([] if any(map(_has_backreference, patterns)) else patterns):
                rx = re.compile(p, re.I)
                factors = sorted(filter(_telling, required_literals(p)), key=lambda f: -min(map(len, f)))
                if not factors:
                    always.append(rx)
                    continue
                needs = [frozenset(lit_id.setdefault(x, len(lit_id)) for x in f) for f in factors]
                gated.append(len(self.parts))
                for i in needs[0]:
                    self.gate.setdefault(i, []).append(len(self.parts))
                self.parts.append((rx, needs[1:]))
            self.always[name] = always if always or gated else [self.rx[name]]
            self.gated[name] = frozenset(gated)
        self.ac = ahocorasick_rs.AhoCorasick(list(lit_id)) if lit_id else None   # literal i is key i
        self._gates = [tuple(self.gate.get(i, ())) for i in range(len(lit_id))]   # by literal id
        self._one_set = frozenset(i for i, (_rx, more) in enumerate(self.parts) if not more)   # key set alone

    def __getitem__(self, name: str) -> re.Pattern:
        """The cue as one pattern (for where the match itself is wanted)."""
        return self.rx[name]

    def scan(self, text: str) -> set[int]:
        """Ids of the gated patterns whose required literals are all in the text."""
        if self.ac is None:
            return set()
        lits = {i for i, _a, _b in find_all(self.ac, lower_for_literals(text))}
        cands: set[int] = set()
        gates = self._gates
        for i in lits:
            cands.update(gates[i])
        ready = cands & self._one_set
        for c in cands - ready:   # patterns that need more than one literal: all their sets there
            for f in self.parts[c][1]:
                if f.isdisjoint(lits):
                    break
            else:
                ready.add(c)
        return ready

    def has(self, name: str, text: str, found: set[int] | None = None) -> bool:
        """Whether cue ``name`` matches the text (``found``: its ``scan``, computed here if not given)."""
        for rx in self.always[name]:
            if rx.search(text):
                return True
        if found is None:
            found = self.scan(text)
        for i in self.gated[name] & found:
            if self.parts[i][0].search(text):
                return True
        return False
