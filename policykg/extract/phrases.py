"""Find many literal phrases in a text at once, with their offsets.

The phrases go into one Aho-Corasick automaton (pyahocorasick, in C), so matching is one
pass over the text whatever the number of phrases. Text is folded first (full-width to
ASCII, lower case) without changing its length; runs of spaces and hyphens match one
space ("e-mail" = "e mail"); offsets are those of the original text.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from typing import Iterator

import ahocorasick

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
    if lower:
        low = out.lower()
        if len(low) == len(out):
            return low
        return "".join(c.lower() if len(c.lower()) == 1 else c for c in out)
    return out


def norm_phrase(phrase: str, lower: bool = True) -> str:
    p = unicodedata.normalize("NFKC", phrase).translate(_FOLD)
    p = re.sub(r"[\s\-]+", " ", p.strip())
    return p.lower() if lower else p


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


_GAP = re.compile(r"[\s\-]{2,}")
_ONE_GAP = re.compile(r"[\t\n\r\x0b\x0c\-]")


class _Squeezed:
    """A text with every run of spaces and hyphens made one space, and the way back to its offsets."""

    def __init__(self, t: str):
        self.starts: list[int] = []   # squeezed offset where each shift begins
        self.shifts: list[int] = []   # original - squeezed from there on
        parts, pos, shift = [], 0, 0
        for m in _GAP.finditer(t):
            parts.append(t[pos:m.start()])
            parts.append(" ")
            pos = m.end()
            self.starts.append(m.start() - shift + 1)   # the squeezed offset just after this run's space
            shift += m.end() - m.start() - 1
            self.shifts.append(shift)
        parts.append(t[pos:])
        self.text = _ONE_GAP.sub(" ", "".join(parts) if parts[:-1] else t)

    def back(self, i: int) -> int:
        k = bisect.bisect_right(self.starts, i) - 1
        return i + (self.shifts[k] if k >= 0 else 0)


@lru_cache(maxsize=8)
def _squeezed(t: str) -> _Squeezed:
    """The squeezed form of a text, shared by every matcher that reads it."""
    return _Squeezed(t)


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
        self.ac = ahocorasick.Automaton()
        for p in self.keys:
            self.ac.add_word(p, len(p))
        if self.keys:
            self.ac.make_automaton()

    def finditer(self, text: str, folded: str | None = None) -> Iterator[tuple[int, int, object]]:
        if not self.keys:
            return
        t = folded if folded is not None else fold(text, self.lower)
        sq = _squeezed(t)
        t2, n = sq.text, len(sq.text)
        hits: dict[int, list[int]] = defaultdict(list)
        for end, length in self.ac.iter(t2):
            hits[end - length + 1].append(length)
        last = 0
        for a in sorted(hits):
            if a < last or (a > 0 and _is_ascii_word(t2[a]) and _is_ascii_word(t2[a - 1])):
                continue
            for length in sorted(hits[a], reverse=True):
                b = a + length
                suf = next((x for x in self.suffixes if t2.startswith(x, b)
                            and not (b + len(x) < n and _is_ascii_word(t2[b + len(x)]))), "")
                if not suf and _is_ascii_word(t2[b - 1]) and b < n and _is_ascii_word(t2[b]):
                    continue   # inside a longer word
                b += len(suf)
                yield sq.back(a), sq.back(b - 1) + 1, self.keys[t2[a:a + length]]
                last = b
                break
