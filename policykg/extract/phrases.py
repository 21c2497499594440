"""Find many literal phrases in a text at once, with their offsets.

The phrases are compiled into one regular expression shaped like a trie (common
prefixes factored out), so matching is linear in the text whatever the number of
phrases. Text is folded first (full-width to ASCII, lower case) without changing
its length, so offsets stay valid.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Iterator

_FOLD = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: " ", 0x2019: "'", 0x2018: "'", 0x201C: '"', 0x201D: '"', 0x2010: "-", 0x2011: "-",
              0x2013: "-", 0x2014: "-", 0x30FC: "ー", 0x00A0: " "})
# half-width katakana to full-width, one code point each
for _c in range(0xFF61, 0xFFA0):
    _n = unicodedata.normalize("NFKC", chr(_c))
    if len(_n) == 1:
        _FOLD[_c] = _n


def fold(text: str, lower: bool = True) -> str:
    """Length-preserving normalisation: full-width ASCII, half-width kana, quotes; lower case."""
    out = text.translate(_FOLD)
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


def _trie_regex(words: Iterable[str]) -> str:
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = []
        singles = []
        for ch in sorted(k for k in node if k):
            sub = build(node[ch])
            esc = re.escape(ch) if ch != " " else r"[\s\-]+"
            if sub:
                branches.append(esc + sub)
            else:
                singles.append(esc)
        alts = branches + ([("[" + "".join(singles) + "]") if len(singles) > 1 and all(len(s) == 1 for s in singles)
                            else "|".join(singles)] if singles else [])
        alts = [a for a in alts if a]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not end else "(?:" + "|".join(alts) + ")"
        return body + "?" if end else body

    return build(trie)


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


class PhraseMatcher:
    """Longest, leftmost matches of literal phrases.

    >>> m = PhraseMatcher({"email address": "email", "メールアドレス": "email"})
    >>> [(a, b, k) for a, b, k in m.finditer("Your Email addresses and メールアドレス")]
    [(5, 20, 'email'), (25, 32, 'email')]
    """

    def __init__(self, phrases: dict[str, object], lower: bool = True, plurals: bool = True):
        self.lower = lower
        self.keys: dict[str, object] = {}
        for phrase, key in phrases.items():
            p = norm_phrase(phrase, lower)
            if p and p not in self.keys:
                self.keys[p] = key
        self._space = re.compile(r"[\s\-]+")
        if not self.keys:
            self.rx = None
            return
        suffix = r"(?:s|es|'s)?" if plurals else r"(?:'s)?"
        self.rx = re.compile("(" + _trie_regex(sorted(self.keys, key=len, reverse=True)) + ")" + suffix)

    def lookup(self, matched: str) -> object:
        return self.keys.get(self._space.sub(" ", matched))

    def finditer(self, text: str, folded: str | None = None) -> Iterator[tuple[int, int, object]]:
        if self.rx is None:
            return
        t = folded if folded is not None else fold(text, self.lower)
        n = len(t)
        pos = 0
        while pos < n:
            m = self.rx.search(t, pos)
            if not m:
                return
            a, b = m.start(), m.end()
            core = m.group(1)
            key = self.lookup(core)
            ok = key is not None
            if ok and _is_ascii_word(core[0]) and a > 0 and _is_ascii_word(t[a - 1]):
                ok = False
            if ok and _is_ascii_word(t[b - 1]) and b < n and _is_ascii_word(t[b]):
                # try without the plural suffix
                b2 = a + len(core)
                ok = not (b2 < n and _is_ascii_word(t[b2]))
                b = b2
            if ok:
                yield a, b, key
                pos = b
            else:
                pos = a + 1
