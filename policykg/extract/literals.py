"""The literal strings every match of a regular expression contains, and searches that use them.

Reading a pattern (with Python's own parser) gives sets of strings such that every match holds
one string of each set (``required_literals``), and where, from a match's start, the strings of
a set can be (``_windows``). A text lower-cased as ``lower_for_literals`` does holds those
strings wherever a match can; so a pattern need only be tried where they are. Both uses give
exactly the answers of the pattern run on the whole text.
"""
from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
import string
from functools import lru_cache
from typing import Iterator

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
    if op in _REPEATS and av[1] <= 2:   # "s?", "(?:ly)?": none, one or two of the item's strings
        one = _seq_strings(av[2])
        if one is None:
            return None
        out, cur = {""} if av[0] == 0 else set(), {""}
        for k in range(1, av[1] + 1):
            cur = {a + b for a in cur for b in one}
            if k >= av[0]:
                out |= cur
        return out
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


@lru_cache(maxsize=1)
def _case_table() -> dict[int, str]:
    """Characters outside ASCII that a case-insensitive pattern matches to an ASCII letter (İ ı ſ K),
    written as that letter, so that lower-casing a text finds every literal such a pattern can match."""
    rx = re.compile("[a-z]", re.I)
    chars = rx.findall("".join(map(chr, range(0x80, 0xD800))) + "".join(map(chr, range(0xE000, 0x10000))))
    return {ord(c): next(x for x in string.ascii_lowercase if re.fullmatch(x, c, re.I)) for c in chars}


@lru_cache(maxsize=1)
def _case_chars() -> re.Pattern:
    return re.compile("[" + "".join(map(chr, _case_table())) + "]")


def lower_for_literals(text: str) -> str:
    """The text in the form required literals are looked for in (as long as the text: offsets are the same)."""
    if not text.isascii() and _case_chars().search(text):
        text = text.translate(_case_table())
    return text.lower()


#: widest stretch of start positions tried around one literal (wider: the whole text is searched)
_MAX_WINDOW = 200


def _width(state, items) -> tuple[int, int]:
    return sre_parse.SubPattern(state, list(items)).getwidth()


def _windows(seq) -> list[tuple[frozenset[str], int, int]] | None:
    """Where a match of the sequence holds one of its literals: (strings, lo, hi) entries such that a
    match starting at q has, for one entry, one of its strings at q + lo .. q + hi. None if unknown."""
    items, state = list(seq), seq.state
    options: list[list[tuple[frozenset[str], int, int]]] = []
    run, run_at = {""}, 0

    def close(end: int):
        lo, hi = _width(state, items[:run_at])
        if all(run) and hi - lo <= _MAX_WINDOW:
            options.append([(frozenset(run), lo, hi)])

    for k, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        s = _strings(op, av)
        if s is not None and len(run) * len(s) <= _MAX_STRINGS:
            if run == {""}:
                run_at = k
            run = {a + b for a in run for b in s}
            continue
        close(k)
        run, run_at = (set(s), k) if s is not None else ({""}, k)
        if s is not None:
            continue
        inner = [av[-1]] if op is sre.SUBPATTERN else av[1] if op is sre.BRANCH else []
        lo, hi = _width(state, items[:k])
        if inner and hi - lo <= _MAX_WINDOW:
            alts = [_windows(sre_parse.SubPattern(state, list(x))) for x in inner]
            if all(a is not None for a in alts):
                options.append([(f, lo + a, hi + b) for alt in alts for f, a, b in alt])
    close(len(items))
    return max(options, key=lambda o: (min(len(x) for f, _a, _b in o for x in f),
                                       -sum(b - a for _f, a, b in o)), default=None)


@lru_cache(maxsize=1024)
def gated(pattern: str, flags: int = 0) -> GatedPattern:
    """``GatedPattern`` of ``re.compile(pattern, flags)``, made once."""
    return GatedPattern(re.compile(pattern, flags))


_last_lowered: tuple[str | None, str] = (None, "")


def _lowered(text: str) -> str:
    """``lower_for_literals`` of the text, kept for the next pattern that reads the same text."""
    global _last_lowered
    last = _last_lowered
    if last[0] is text or last[0] == text:
        return last[1]
    low = lower_for_literals(text)
    _last_lowered = (text, low)
    return low


class GatedPattern:
    """A compiled pattern whose ``finditer`` tries only the positions where a match can start, given
    where the text holds its literals; the matches are those of ``re.Pattern.finditer``.

    >>> rx = GatedPattern(re.compile(r"\\b(?:powered|hosted) by (\\w+)"))
    >>> [m.group(1) for m in rx.finditer("Hosted by Acme; powered by Zorb, hosted by Quux")]
    ['Zorb', 'Quux']
    """

    def __init__(self, rx: re.Pattern):
        self.rx = rx
        self.pattern = rx.pattern
        parsed = sre_parse.parse(rx.pattern, rx.flags)
        self.windows = _windows(parsed)
        self.needs = _factors(parsed)   # a text without one of each set's strings holds no match

    def search(self, text: str) -> re.Match | None:
        return next(self.finditer(text), None)

    def _starts(self, low: str, pos: int, end: int) -> list[int]:
        starts: set[int] = set()
        for strings, lo, hi in self.windows:
            for s in strings:
                i = low.find(s, pos + lo, end)
                while i != -1:
                    starts.update(range(max(pos, i - hi), i - lo + 1))
                    i = low.find(s, i + 1, end)
        return sorted(starts)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        end = len(text) if endpos is None else min(endpos, len(text))
        low = _lowered(text)
        if len(low) != len(text):
            yield from self.rx.finditer(text, pos, end)
            return
        if self.windows is None:
            if all(any(low.find(x, pos, end) >= 0 for x in f) for f in self.needs):
                yield from self.rx.finditer(text, pos, end)
            return
        last = pos
        for q in self._starts(low, pos, end):
            if q < last:
                continue
            m = self.rx.match(text, q, end)
            if m:
                yield m
                last = m.end()
