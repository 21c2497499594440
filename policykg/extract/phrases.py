"""Find many literal phrases in a text at once, with their offsets.

The phrases go into one Aho-Corasick automaton (ahocorasick_rs, in Rust), so matching is one
pass over the text whatever the number of phrases. Text is folded first (full-width to
ASCII, lower case) without changing its length; runs of spaces and hyphens match one
space ("e-mail" = "e mail"); offsets are those of the original text.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from typing import Iterator

import ahocorasick_rs

_FOLD = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: " ", 0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0x2010: "-", 0x2011: "-",
              0x2013: "-", 0x2014: "-", 0x00A0: " "})
# half-width katakana to full-width, one code point each
for _c in range(0xFF61, 0xFFA0):
    _n = unicodedata.normalize("NFKC", chr(_c))
    if len(_n) == 1:
        _FOLD[_c] = _n


_TO_FOLD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")


def fold(text: str, lower: bool = True) -> str:
    """Length-preserving normalisation: full-width ASCII, half-width kana, quotes; lower case."""
    out = _TO_FOLD.sub(lambda m: _FOLD[ord(m.group())], text)
    return _lower(out) if lower else out


def _lower(text: str) -> str:
    """Lower case, one character for one (a letter whose lower case is longer stays as it is)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def norm_phrase(phrase: str, lower: bool = True) -> str:
    p = unicodedata.normalize("NFKC", phrase).translate(_FOLD)
    p = re.sub(r"[\s\-]+", " ", p.strip())
    return p.lower() if lower else p


_ASCII_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


_GAP = re.compile(r"[\s\-][\s\-]+")
_ONE_GAP = "\t\n\r\x0b\x0c-"                      # each made a space
#: white space but those and the space (each looked for with ``in``: quicker than a pattern)
_OTHER_SPACE = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \t\n\r\x0b\x0c")
_OTHER_ASCII_SPACE = tuple(c for c in _OTHER_SPACE if c.isascii())
_SPACES = re.compile(" *")


def _gaps(t: str, spaced: str) -> list[tuple[int, int]]:
    """Runs of two or more spaces and hyphens in ``t`` (``spaced``: t with _ONE_GAP's made spaces)."""
    other = any(c in spaced for c in (_OTHER_ASCII_SPACE if spaced.isascii() else _OTHER_SPACE))
    if other:
        return [m.span() for m in _GAP.finditer(t)]
    out = []   # only spaces are left: runs of two or more (str.find: quicker than a pattern scanning the text)
    i = spaced.find("  ")
    while i != -1:
        j = _SPACES.match(spaced, i + 2).end()
        out.append((i, j))
        i = spaced.find("  ", j)
    return out


class _Squeezed:
    """A text with every run of spaces and hyphens made one space, and the way back to its offsets
    (``gaps``: the runs, when known: those of the same text in another case)."""

    def __init__(self, t: str, gaps: list[tuple[int, int]] | None = None):
        self.starts: list[int] = []   # squeezed offset where each shift begins
        self.shifts: list[int] = []   # original - squeezed from there on
        spaced = t
        for ch in _ONE_GAP:
            spaced = spaced.replace(ch, " ")
        self.gaps = _gaps(t, spaced) if gaps is None else gaps
        parts, pos, shift = [], 0, 0
        for a, b in self.gaps:
            parts += (spaced[pos:a], " ")
            pos = b
            self.starts.append(a - shift + 1)   # the squeezed offset just after this run's space
            shift += b - a - 1
            self.shifts.append(shift)
        self.text = "".join(parts) + spaced[pos:] if parts else spaced

    def back(self, i: int) -> int:
        k = bisect.bisect_right(self.starts, i) - 1
        return i + (self.shifts[k] if k >= 0 else 0)


class Folded:
    """A text folded once, as it is and in lower case, each squeezed once, for every matcher to read.

    >>> f = Folded("Ｅ-Mail  Address")
    >>> f.case, f.lower, f.squeezed(True).text
    ('E-Mail  Address', 'e-mail  address', 'e mail address')
    """

    def __init__(self, text: str):
        self.text = text
        self.case = fold(text, lower=False)
        self.lower = _lower(self.case)
        self._case_sq: _Squeezed | None = None
        self._lower_sq: _Squeezed | None = None

    def squeezed(self, lower: bool) -> _Squeezed:
        if self._case_sq is None:
            self._case_sq = _Squeezed(self.case)
        if lower and self._lower_sq is None:   # (lower-casing makes no space or hyphen: the same runs)
            self._lower_sq = _Squeezed(self.lower, self._case_sq.gaps)
        return self._lower_sq if lower else self._case_sq


_NO_SURROGATE = re.compile("[^\ud800-\udfff]+")


def find_all(ac: ahocorasick_rs.AhoCorasick, text: str) -> list[tuple[int, int, int]]:
    """(key index, start, end) of every occurrence of the automaton's keys in the text, overlapping ones too."""
    try:
        return ac.find_matches_as_indexes(text, overlapping=True)
    except UnicodeEncodeError:   # lone surrogates (in a str handed in, never in a file read): no key holds
        out = []                 # one, so the stretches between them are searched one by one
        for m in _NO_SURROGATE.finditer(text):
            at = m.start()
            out += [(k, a + at, b + at) for k, a, b in ac.find_matches_as_indexes(m.group(), overlapping=True)]
        return out


class _Pass:
    """One Aho-Corasick automaton over the phrases of one or more matchers: one pass over a text finds
    the phrases of them all (the last text's hits are kept for the next matcher that reads it)."""

    def __init__(self, matchers: list[PhraseMatcher]):
        owners: dict[str, list[int]] = {}
        for i, m in enumerate(matchers):
            for p in m.keys:
                owners.setdefault(p, []).append(i)
        self.n = len(matchers)
        self.owners = [tuple(ids) for ids in owners.values()]   # by key index
        self.ac = ahocorasick_rs.AhoCorasick(list(owners)) if owners else None
        self._last: tuple[str | None, list] = (None, [])

    def hits(self, t: str) -> list[list[tuple[int, int]]]:
        """For each matcher, its phrases in ``t`` as (start, -length), by start and longest first."""
        last = self._last
        if last[0] == t:
            return last[1]
        out: list[list[tuple[int, int]]] = [[] for _ in range(self.n)]
        if self.ac is not None:
            owners = self.owners
            for k, a, b in find_all(self.ac, t):
                for i in owners[k]:
                    out[i].append((a, a - b))
        for hits in out:
            hits.sort()
        self._last = (t, out)
        return out


_SUFFIX_FIRST = ("'", "e", "s")   # how every ending in PhraseMatcher.suffixes begins


class PhraseMatcher:
    """Longest, leftmost matches of literal phrases, whole words only for Latin script.

    >>> m = PhraseMatcher({"email address": "email", "メールアドレス": "email"})
    >>> [(a, b, k) for a, b, k in m.finditer("Your Email addresses and メールアドレス")]
    [(5, 20, 'email'), (25, 32, 'email')]
    """

    def __init__(self, phrases: dict[str, object], lower: bool = True, plurals: bool = True):
        self.lower = lower
        self.suffixes = ("'s", "es", "s") if plurals else ("'s",)
        self.keys: dict[str, object] = {}
        for phrase, key in phrases.items():
            p = norm_phrase(phrase, lower)
            if p and p not in self.keys:
                self.keys[p] = key
        self._pass, self._index = _Pass([self]), 0

    @staticmethod
    def share_pass(matchers: list[PhraseMatcher]) -> None:
        """Let several matchers (that read the same folded text) find their phrases in one pass."""
        shared = _Pass(matchers)
        for i, m in enumerate(matchers):
            m._pass, m._index = shared, i

    def finditer(self, text: str, folded: str | Folded | None = None) -> Iterator[tuple[int, int, object]]:
        """(start, end, key) of the phrases in ``text`` (``folded``: its ``fold``, or a ``Folded`` of it)."""
        if not self.keys:
            return
        if isinstance(folded, Folded):
            sq = folded.squeezed(self.lower)
        else:
            sq = _Squeezed(folded if folded is not None else fold(text, self.lower))
        t2, n = sq.text, len(sq.text)
        word = _ASCII_WORD
        last, done = 0, -1   # done: the start last matched or turned down
        for a, minus in self._pass.hits(t2)[self._index]:
            if a == done:
                continue
            if a < last or (a > 0 and t2[a] in word and t2[a - 1] in word):
                done = a
                continue
            b = a - minus
            suf = self._suffix(t2, b)
            if not suf and t2[b - 1] in word and b < n and t2[b] in word:
                continue   # inside a longer word: a shorter phrase at the same start may do
            e = b + len(suf)
            yield sq.back(a), sq.back(e - 1) + 1, self.keys[t2[a:b]]
            last, done = e, a

    def _suffix(self, t: str, b: int) -> str:
        """The plural or possessive ending at ``b`` that ends a word there, if any."""
        if t[b:b + 1] not in _SUFFIX_FIRST:
            return ""
        for x in self.suffixes:
            if t.startswith(x, b) and not (b + len(x) < len(t) and t[b + len(x)] in _ASCII_WORD):
                return x
        return ""
