"""Cue patterns (``cues.json``) and a quick test of which of them a sentence can match.

A cue is a list of regular expressions matched case-insensitively; it matches a text when
one of them does. Reading each expression gives the literal strings any match of it must
contain (``required_literals``). One Aho-Corasick pass over a sentence finds which of those
literals it holds, and only the expressions whose literals are all there are run: the answer
is the same as running every expression, in a fraction of the time.
"""
from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
import string
from functools import lru_cache

import ahocorasick

_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _literal_char(code: int) -> str | None:
    """The lower-case form a literal of a pattern is looked for in, or None for one not looked for
    (a cased letter outside ASCII, whose case-insensitive matches are not simply its lower case)."""
    ch = chr(code)
    if ch.isascii() or ch.lower() == ch.upper():
        return ch.lower()
    return None


_MAX_STRINGS = 32


def _strings(op, av) -> set[str] | None:
    """The few strings an item of a pattern always matches one of (a literal, a class of literals, a
    group or alternation of such), or None."""
    if op is sre.LITERAL:
        ch = _literal_char(av)
        return None if ch is None else {ch}
    if op is sre.IN and all(o is sre.LITERAL and _literal_char(a) is not None for o, a in av):
        return {_literal_char(a) for _o, a in av}
    if op is sre.SUBPATTERN:
        return _seq_strings(av[-1])
    if op is sre.BRANCH:
        alts = [_seq_strings(alt) for alt in av[1]]
        return None if any(x is None for x in alts) else set().union(*alts)
    return None


def _seq_strings(seq) -> set[str] | None:
    out = {""}
    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue   # consumes nothing
        s = _strings(op, av)
        if s is None or len(out) * len(s) > _MAX_STRINGS:
            return None
        out = {a + b for a in out for b in s}
    return out


def _best(factors: list[frozenset[str]]) -> frozenset[str] | None:
    """The most telling of several required sets: the one whose shortest literal is longest."""
    return max(factors, key=lambda f: (min(map(len, f)), -len(f)), default=None)


def _factors(seq) -> list[frozenset[str]]:
    """Sets of literals such that a match of the sequence contains one literal of every set."""
    out: list[frozenset[str]] = []
    run = {""}   # the strings the items read so far match one of

    def flush():
        if all(run):
            out.append(frozenset(run))

    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue   # consumes nothing: the run goes on
        s = _strings(op, av)
        if s is not None and len(run) * len(s) <= _MAX_STRINGS:
            run = {a + b for a in run for b in s}
            continue
        flush()
        run = set(s) if s is not None else {""}
        if s is not None:
            continue
        if op is sre.SUBPATTERN:
            out += _factors(av[-1])
        elif op in _REPEATS and av[0] >= 1:
            out += _factors(av[2])
        elif op is sre.ATOMIC_GROUP:
            out += _factors(av)
        elif op is sre.BRANCH:
            alts = [_best(_factors(alt)) for alt in av[1]]
            if all(alts):
                out.append(frozenset().union(*alts))
    flush()
    return out


def required_literals(pattern: str, flags: int = re.I) -> list[frozenset[str]]:
    """Sets of lower-case literals such that every match of ``pattern`` contains one literal of each set.

    >>> sorted(map(sorted, required_literals(r"\\bprovid(e|ing)\\b[^.]{0,60}\\bto\\b")))
    [['provide', 'providing'], ['to']]
    """
    return _factors(sre_parse.parse(pattern, flags))


def _has_backreference(pattern: str) -> bool:
    """A pattern whose groups are referred to by number (they number differently inside a union)."""
    return re.search(r"\\[1-9]|\(\?\(", pattern) is not None


@lru_cache(maxsize=1)
def _case_table() -> dict[int, str]:
    """Characters outside ASCII that a case-insensitive pattern matches to an ASCII letter (İ ı ſ K),
    written as that letter, so that lower-casing a text finds every literal such a pattern can match."""
    rx = re.compile("[a-z]", re.I)
    chars = rx.findall("".join(map(chr, range(0x80, 0xD800))) + "".join(map(chr, range(0xE000, 0x10000))))
    return {ord(c): next(x for x in string.ascii_lowercase if re.fullmatch(x, c, re.I)) for c in chars}


def lower_for_literals(text: str) -> str:
    """The text in the form required literals are looked for in."""
    return text.translate(_case_table()).lower()


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
        self.ac = ahocorasick.Automaton()
        for lit, i in lit_id.items():
            self.ac.add_word(lit, i)
        if lit_id:
            self.ac.make_automaton()

    def __getitem__(self, name: str) -> re.Pattern:
        """The cue as one pattern (for where the match itself is wanted)."""
        return self.rx[name]

    def scan(self, text: str) -> frozenset[int]:
        """Ids of the gated patterns whose required literals are all in the text."""
        if not self.ac.kind:
            return frozenset()
        lits = {i for _end, i in self.ac.iter(lower_for_literals(text))}
        cands: set[int] = set()
        for i in lits:
            cands.update(self.gate.get(i, ()))
        return frozenset(c for c in cands if all(not f.isdisjoint(lits) for f in self.parts[c][1]))

    def has(self, name: str, text: str, found: frozenset[int] | None = None) -> bool:
        """Whether cue ``name`` matches the text (``found``: its ``scan``, computed here if not given)."""
        if any(rx.search(text) for rx in self.always[name]):
            return True
        if found is None:
            found = self.scan(text)
        return any(self.parts[i][0].search(text) for i in self.gated[name] & found)
