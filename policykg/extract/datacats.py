"""Find data categories, purposes and unnamed recipients in spans of a policy."""
from __future__ import annotations

import bisect

from .lexicon import UNSPECIFIED, Lexicon
from .phrases import Folded


class Annotated:
    """A policy text with every data-category, purpose and unnamed-recipient phrase found once."""

    def __init__(self, text: str, folded: str | Folded, lex: Lexicon):
        self.text = text
        self.lex = lex
        self.folded = folded if isinstance(folded, Folded) else Folded(text)   # (a str is fold(text))
        folded = self.folded
        self.data = list(lex.data_matcher.finditer(text, folded))        # (start, end, iri), in order
        self.purposes = list(lex.purpose_matcher.finditer(text, folded))
        self.unnamed = list(lex.recipient_matcher.finditer(text, folded))  # (start, end, code)
        self.legal = list(lex.legal_matcher.finditer(text, folded))        # (start, end, legal-basis IRI)
        self._starts = {id(x): [a for a, _b, _k in x] for x in (self.data, self.purposes, self.unnamed, self.legal)}

    def _within(self, items, start: int, end: int, skip=()):
        starts = self._starts[id(items)]
        found = items[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
        out = []
        for item in found:
            if item[1] <= end:
                a = item[0]
                for x, y in skip:   # (a loop, not any() over a generator: one for every item)
                    if x <= a < y:
                        break
                else:
                    out.append(item)
        return out

    def data_in(self, start: int, end: int, skip=()) -> list[str]:
        """Data-category IRIs named in text[start:end], most specific first, no duplicates.

        The unspecified category is dropped when anything more specific is there."""
        found = []
        for _a, _b, iri in self._within(self.data, start, end, skip):
            if iri not in found:
                found.append(iri)
        if len(found) > 1 and UNSPECIFIED in found:
            found.remove(UNSPECIFIED)
        return found

    def data_spans(self, start: int, end: int):
        return self._within(self.data, start, end)

    def _keys_in(self, items, start: int, end: int) -> list[str]:
        return list(dict.fromkeys(k for _a, _b, k in self._within(items, start, end)))

    def purposes_in(self, start: int, end: int) -> list[str]:
        """Purpose IRIs named in text[start:end], in order, no duplicates."""
        return self._keys_in(self.purposes, start, end)

    def legal_in(self, start: int, end: int) -> list[str]:
        """Legal-basis IRIs named in text[start:end], in order, no duplicates."""
        return self._keys_in(self.legal, start, end)

    def unnamed_in(self, start: int, end: int):
        return self._within(self.unnamed, start, end)
