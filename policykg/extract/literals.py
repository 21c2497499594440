"""The literal strings every match of a regular expression contains, and searches that use them.

Reading a pattern (with Python's own parser) gives sets of strings such that every match holds
one string of each set (``required_literals``), and where, from a match's start, the strings of
a set can be (``_windows``). A text lower-cased as ``lower_for_literals`` does holds those
strings wherever a match can; so a pattern need only be tried where they are. Both uses give
exactly the answers of the pattern run on the whole text.
"""
from __future__ import annotations

import bisect
import re
import re._constants as sre
import re._parser as sre_parse
import string
from functools import lru_cache
from typing import Iterator

import ahocorasick_rs

from .phrases import find_all
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _literal_char(code: int, lower: bool = True) -> str | None:
    """The lower-case form a literal of a pattern is looked for in, or None for one not looked for
    (a cased letter outside ASCII, whose case-insensitive matches are not simply its lower case).
    With ``lower`` False (a case-sensitive pattern), the literal itself."""
    ch = chr(code)
    if not lower:
        return ch
    if ch.isascii() or ch.lower() == ch.upper():
        return ch.lower()
    return None


_MAX_STRINGS = 32


def _strings(op, av, lower: bool = True) -> set[str] | None:
    """The few strings an item of a pattern always matches one of (a literal, a class of literals, a
    group or alternation of such), or None."""
    if op is sre.LITERAL:
        ch = _literal_char(av, lower)
        return None if ch is None else {ch}
    if op is sre.IN and all(o is sre.LITERAL and _literal_char(a, lower) is not None for o, a in av):
        return {_literal_char(a, lower) for _o, a in av}
    if op is sre.SUBPATTERN:
        return _seq_strings(av[-1], lower)
    if op in _REPEATS and av[1] <= 2:   # "s?", "(?:ly)?": none, one or two of the item's strings
        one = _seq_strings(av[2], lower)
        if one is None:
            return None
        out, cur = {""} if av[0] == 0 else set(), {""}
        for k in range(1, av[1] + 1):
            cur = {a + b for a in cur for b in one}
            if k >= av[0]:
                out |= cur
        return out
    if op is sre.BRANCH:
        alts = [_seq_strings(alt, lower) for alt in av[1]]
        return None if any(x is None for x in alts) else set().union(*alts)
    return None


def _seq_strings(seq, lower: bool = True) -> set[str] | None:
    out = {""}
    for op, av in seq:
        if op in _ZERO_WIDTH:
            continue   # consumes nothing
        s = _strings(op, av, lower)
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
def _case_chars() -> tuple[str, ...]:
    """The few characters ``_case_table`` changes (each looked for with ``in``: quicker than a pattern)."""
    return tuple(map(chr, _case_table()))


def lower_for_literals(text: str) -> str:
    """The text in the form required literals are looked for in (as long as the text: offsets are the same)."""
    if not text.isascii():
        for c in _case_chars():
            if c in text:
                return text.translate(_case_table()).lower()
    return text.lower()


#: widest stretch of start positions tried around one literal for a pattern whose width before the
#: literal is bounded (wider: the characters it reads before the literal bound the stretch instead)
_MAX_WINDOW = 200
_CATEGORIES = {sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_DIGIT: r"\d"}

#: (strings, lo, hi, chars): a match starting at q holds one of the strings at q + lo .. q + hi; with hi
#: None, at q + lo or further, and reads only characters of the class ``[chars]`` before it
Entry = tuple[frozenset[str], int, "int | None", "str | None"]


def _width(state, items) -> tuple[int, int]:
    return sre_parse.SubPattern(state, list(items)).getwidth()


def _class_body(items) -> str | None:
    """A character class (what goes between [ and ]) holding every character the items can read, or None
    when that is most characters (any character, a negated class, word characters)."""
    out = []
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            out.append(re.escape(chr(av)))
            continue
        if op is sre.IN:
            for o, a in av:
                if o is sre.LITERAL:
                    out.append(re.escape(chr(a)))
                elif o is sre.RANGE:
                    out.append(re.escape(chr(a[0])) + "-" + re.escape(chr(a[1])))
                elif o is sre.CATEGORY and a in _CATEGORIES:
                    out.append(_CATEGORIES[a])
                else:
                    return None
            continue
        subs = ([av[-1]] if op is sre.SUBPATTERN else [av[2]] if op in _REPEATS else [av] if op is sre.ATOMIC_GROUP
                else av[1] if op is sre.BRANCH else None)
        if subs is None:
            return None
        for sub in subs:
            body = _class_body(sub)
            if body is None:
                return None
            out.append(body)
    return "".join(out)


def _prefix(state, items) -> tuple[int, int | None, str | None] | None:
    """(lo, hi, chars) of what the items read before a literal (see Entry), or None when unbounded and
    reading most characters."""
    lo, hi = _width(state, items)
    if hi - lo <= _MAX_WINDOW:
        return lo, hi, None
    chars = _class_body(items)
    return (lo, None, chars) if chars else None


def _shift(e: Entry, lo: int, hi: int | None, chars: str | None) -> Entry | None:
    """An entry of a group or alternative, seen from the start of a sequence whose prefix is (lo, hi, chars)."""
    strings, a, b, inner = e
    if hi is not None and b is not None:
        return (strings, lo + a, hi + b, None) if hi + b - lo - a <= _MAX_WINDOW else None
    if b is None and (hi is None or chars is not None):
        return strings, lo + a, None, (chars or "") + inner
    return None


def _windows(seq, lower: bool = True) -> list[Entry] | None:
    """Where a match of the sequence holds one of its literals: entries such that a match holds one
    of their strings as one entry says (see Entry). None if unknown. ``lower``: the strings in lower case."""
    items, state = list(seq), seq.state
    options: list[list[Entry]] = []
    run, run_at = {""}, 0

    def close():
        p = _prefix(state, items[:run_at])
        if all(run) and p is not None:
            options.append([(frozenset(run), *p)])

    for k, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        s = _strings(op, av, lower)
        if s is not None and len(run) * len(s) <= _MAX_STRINGS:
            if run == {""}:
                run_at = k
            run = {a + b for a in run for b in s}
            continue
        close()
        run, run_at = (set(s), k) if s is not None else ({""}, k)
        if s is not None:
            continue
        inner = [av[-1]] if op is sre.SUBPATTERN else av[1] if op is sre.BRANCH else []
        p = _prefix(state, items[:k]) if inner else None
        if p is not None:
            if p[1] is not None and p[0] != p[1]:   # a bounded stretch: its characters, for run-based entries inside
                p = (p[0], p[1], _class_body(items[:k]))
            alts = [_windows(sre_parse.SubPattern(state, list(x)), lower) for x in inner]
            entries = [_shift(e, *p) for alt in alts if alt is not None for e in alt]
            if all(a is not None for a in alts) and all(e is not None for e in entries):
                options.append(entries)
    close()
    return max(options, key=lambda o: (all(e[2] is not None for e in o), min(len(x) for e in o for x in e[0]),
                                       -sum(e[2] - e[1] for e in o if e[2] is not None)), default=None)


#: an entry with more strings than this looks for them with one pattern, not with str.find for each
_MANY_STRINGS = 12


def _occurrences(hay: str, strings, finder: re.Pattern | None, pos: int, end: int) -> Iterator[int]:
    """Every offset in hay[pos:end] where one of the strings begins (and ends before ``end``)."""
    if finder is None:
        for s in strings:
            i = hay.find(s, pos, end)
            while i != -1:
                yield i
                i = hay.find(s, i + 1, end)
        return
    m = finder.search(hay, pos, end)
    while m:
        yield m.start()
        m = finder.search(hay, m.start() + 1, end)


class _LiteralPass:
    """The literals of several gated patterns that read the same texts, found in one Aho-Corasick pass
    (kept for the last text read)."""

    def __init__(self, strings: set[str]):
        self.strings = sorted(strings)
        self.index = {s: i for i, s in enumerate(self.strings)}
        self.ac = ahocorasick_rs.AhoCorasick(self.strings)
        self._last: tuple[str | None, list[list[int]]] = (None, [])

    def _positions(self, hay: str) -> list[list[int]]:
        last = self._last
        if last[0] is hay or last[0] == hay:
            return last[1]
        out: list[list[int]] = [[] for _ in self.strings]
        for k, a, _b in find_all(self.ac, hay):   # in the order the matches end: for one string,
            out[k].append(a)                      # (all of its length) the order they begin
        self._last = (hay, out)
        return out

    def occurrences(self, hay: str, strings, pos: int, end: int) -> Iterator[int]:
        """What ``_occurrences`` gives, from the pass."""
        positions = self._positions(hay)
        for s in strings:
            found = positions[self.index[s]]
            for i in found[bisect.bisect_left(found, pos):]:
                if i + len(s) > end:
                    break
                yield i


def gated(pattern: str, flags: int = 0) -> GatedPattern:
    """``GatedPattern`` of ``re.compile(pattern, flags)``."""
    return GatedPattern(re.compile(pattern, flags))


_last_forms: tuple[str | None, str, str] = (None, "", "")


def _forms(text: str) -> tuple[str, str]:
    """``lower_for_literals`` of the text and the text reversed, kept for the next pattern that reads it."""
    global _last_forms
    last = _last_forms
    if last[0] is text or last[0] == text:
        return last[1], last[2]
    _last_forms = (text, lower_for_literals(text), text[::-1])
    return _last_forms[1], _last_forms[2]


def lowered(text: str) -> str:
    """``lower_for_literals`` of the text, computed once for the patterns that read the same text."""
    return _forms(text)[0]


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
        # a pattern case-sensitive throughout has its literals looked for as they are written
        self.exact = not rx.flags & re.I and "(?i" not in rx.pattern
        self.windows = _windows(parsed, lower=not self.exact)
        self.needs = _factors(parsed)   # a text without one of each set's strings holds no match
        # the characters read before a literal, as a pattern matched backwards from it (in the reversed text)
        self._back = [re.compile(f"[{e[3]}]*", re.I) if e[2] is None else None for e in self.windows or ()]
        # many strings: one pattern of them all finds where any of them is quicker than str.find for each
        self._finders = [re.compile("|".join(map(re.escape, sorted(e[0], key=len, reverse=True))))
                         if len(e[0]) > _MANY_STRINGS else None for e in self.windows or ()]
        self._shared: _LiteralPass | None = None

    #: the patterns that read a policy's whole text, which find their literals in one pass over it
    _whole_text: list[GatedPattern] = []

    @staticmethod
    def share_literals(patterns: list[GatedPattern]) -> None:
        """Let patterns that read a policy's whole text find their literals in one pass over it: they
        join those given before, and each group (exact, lower case) gets one pass for them all."""
        shared = GatedPattern._whole_text
        shared.extend(p for p in patterns if all(p is not q for q in shared))
        for exact in (True, False):
            group = [p for p in shared if p.exact == exact and p.windows]
            strings = {s for p in group for e in p.windows for s in e[0]}
            if strings:
                one = _LiteralPass(strings)
                for p in group:
                    p._shared = one

    def search(self, text: str) -> re.Match | None:
        return next(self.finditer(text), None)

    def _starts(self, hay: str, rev: str, pos: int, end: int) -> list[int] | None:
        """Where a match can start in text[pos:end] (``hay``: the text, or its lower case), in order;
        None when that is too many places (searching the text is then quicker)."""
        starts: set[int] = set()
        n, budget = len(hay), max(64, (end - pos) // 16)
        for (strings, lo, hi, _chars), back, finder in zip(self.windows, self._back, self._finders):
            found = (self._shared.occurrences(hay, strings, pos + lo, end) if self._shared
                     else _occurrences(hay, strings, finder, pos + lo, end))
            if back is None and hi == lo:   # the literal at a fixed offset: one start each (found is >= pos + lo)
                for i in found:
                    starts.add(i - lo)
                    if len(starts) > budget:
                        return None
                continue
            for i in found:
                first = i - hi if back is None else n - back.match(rev, n - i).end()
                starts.update(range(max(pos, first), i - lo + 1))
                if len(starts) > budget:
                    return None
        return sorted(starts)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
        end = len(text) if endpos is None else min(endpos, len(text))
        low, rev = _forms(text)
        if len(low) != len(text):
            yield from self.rx.finditer(text, pos, end)
            return
        starts = self._starts(text if self.exact else low, rev, pos, end) if self.windows is not None else None
        if starts is None:
            if all(any(low.find(x, pos, end) >= 0 for x in f) for f in self.needs):
                yield from self.rx.finditer(text, pos, end)
            return
        last = pos
        for q in starts:
            if q < last:
                continue
            m = self.rx.match(text, q, end)
            if m:
                yield m
                last = m.end()
