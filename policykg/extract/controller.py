"""Find the controller: the company whose policy this is, and its country."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from .lexicon import Lexicon, _org_key
from .literals import GatedPattern, _occurrences, gated, lowered
from .model import Party
from .phrases import Folded, fold

_SUFFIX_NAME = re.compile(
    r"((?:[A-Z0-9][\w&'.\-]*)(?:[ ,]{1,3}(?:[A-Z0-9(][\w&'.\-)]*|&|of|and|de)){0,6})[, ]{1,3}"
    r"(Co\.,?\s?Ltd\.?|Co\.|Inc\.?|INC\.?|Incorporated|LLC|L\.L\.C\.|Ltd\.?|Limited|Corporation|Corp\.?|GmbH|AG|plc|PLC|S\.A\.|B\.V\.|K\.K\.|Pte\.?\s?Ltd\.?|Pty\.?\s?Ltd\.?)(?![A-Za-z])"
)
_JA_NAME = gated(r"(?:株式会社|合同会社|有限会社)[ 　]?[\w・ー&＆]{1,30}|[\w・ー&＆]{1,30}(?:株式会社|合同会社|有限会社)")
_LEAD_WORDS = re.compile(r"^(?:弊社|当社|私たち)[、,]\s*|^(?:the|this|our|by|and|welcome to)\s+", re.I)


_SUFFIX_WORD = gated(r"(?<![A-Za-z])(?:Co\.|Inc|INC|Incorporated|LLC|L\.L\.C\.|Ltd|Limited|Corporation|Corp|GmbH|AG|"
                     r"plc|PLC|S\.A\.|B\.V\.|K\.K\.|Pte|Pty)(?![A-Za-z])")
GatedPattern.share_literals([_JA_NAME, _SUFFIX_WORD])   # they read the whole text


def company_names(text: str):
    """Company names with a legal suffix ("Stripe, Inc.", "株式会社リクルート"), as regex matches in order.

    The full pattern is tried only just before each legal suffix (and on Japanese text), which keeps it fast."""
    last = -1
    for s in _SUFFIX_WORD.finditer(text):
        if s.start() < last:
            continue
        start = max(0, s.start() - 160)
        if start:
            start = text.find(" ", start, s.start()) + 1 or s.start()   # from a word's beginning
        for m in _SUFFIX_NAME.finditer(text, start, min(len(text), s.end() + 12)):
            if m.start() >= last and m.start(2) <= s.start() < m.end():
                yield m
                last = m.end()
                break
    if "会社" in text:
        yield from _JA_NAME.finditer(text)


def _clean(name: str) -> str:
    name = _LEAD_WORDS.sub("", name.strip(" \t,、:：\"“”'"))
    name = re.sub(r"\s+", " ", name)
    return name.strip(" ,、")


_W = r"[A-Za-z0-9À-ÿ&'’.\-]"
_NAME_EN = (rf"(?:[A-Z0-9]{_W}*|[a-z][a-z0-9]*(?:[A-Z]{_W}*|\.[a-z]{{2,4}}))"
            rf"(?:[ \u00a0](?:[A-Z0-9]{_W}*|\([A-Z][A-Za-z]+\)|of|the|and|for|&|de)){{0,5}}"
            r"(?:,?\s(?:Inc\.?|LLC|Ltd\.?|Limited|Corporation|Corp\.?|GmbH|AG|plc|S\.A\.|B\.V\.|K\.K\.|Co\.,?\s?Ltd\.?|Co\.))?")
_NAME_JA = r"(?:株式会社|合同会社)?[A-Za-z0-9\u30a0-\u30ff\u4e00-\u9fffＡ-Ｚａ-ｚ０-９・＆&]{2,25}(?:株式会社|合同会社)?"
_TITLE_WORD = rf"[A-Za-z]{_W}*"


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[tuple[GatedPattern, GatedPattern | None, int, int]], frozenset, frozenset]:
    raw = json.loads(resources.files("policykg.extract").joinpath("controller.json").read_text(encoding="utf-8"))
    out = []
    for p in raw["patterns"]:
        name = _NAME_EN + "|" + _NAME_JA
        if "privacy|data protection|cookie" in p["pattern"]:   # a title: any case ("reddit privacy policy")
            name = rf"{_TITLE_WORD}(?: {_TITLE_WORD}){{0,3}}|" + _NAME_JA
        rx = GatedPattern(re.compile(p["pattern"].replace("{NAME}", f"(?P<name>{name})"), re.M))
        # a pattern that starts with the name is tried only where what follows the name is found
        after = GatedPattern(re.compile(p["pattern"][len("{NAME}"):], re.M)) if p["pattern"].startswith("{NAME}") else None
        out.append((rx, after, p["weight"], p["head"]))
    GatedPattern.share_literals([x for rx, after, _w, _h in out for x in (rx, after) if x])   # all read the text
    return out, frozenset(x.lower() for x in raw["name_stoplist"]), frozenset(raw["leading_words"])


def _candidate(name: str, stop: frozenset, lead: frozenset, lex: Lexicon) -> str | None:
    name = _clean(name.lstrip("・-*•●○◦▪■□◆◇※ \t"))
    words = name.split()
    while words and words[0].lower() in lead:
        words = words[1:]
    name = " ".join(words)
    if (len(name) < 2 or name.lower() in stop or name.lower().startswith(("privacy ", "personal "))
            or name[0] in "本当弊" or name.endswith(("方針", "ポリシー", "規約", "について", "に関する"))):
        return None
    org = lex.registry.find_name(name)
    if org is not None and org.role != "recipient":
        return None
    return name


def _matches(rx: GatedPattern, after: GatedPattern | None, text: str, end: int):
    """Matches of ``rx`` in text[:end]."""
    if after is None:
        yield from rx.finditer(text, 0, end)
        return
    for a in after.finditer(text, 0, end):
        for m in rx.finditer(text, max(0, a.start() - 200), a.end()):
            if m.end() == a.end():
                yield m
                break


def _by_patterns(text: str, lex: Lexicon) -> str | None:
    """The name the controller patterns point at most surely (weights add up; frequency breaks ties)."""
    pats, stop, lead = _patterns()
    scores: dict[str, float] = {}
    forms: dict[str, tuple[float, str]] = {}
    for rx, after, weight, head in pats:
        seen = set()   # a pattern counts once for a name, however often it matches
        for m in _matches(rx, after, text, head or len(text)):
            name = _candidate(m.group("name"), stop, lead, lex)
            if not name:
                continue
            key = _org_key(name)
            if not key or key in seen:
                continue
            seen.add(key)
            scores[key] = scores.get(key, 0) + weight
            if weight > forms.get(key, (0, ""))[0]:
                forms[key] = (weight, name)
    if not scores:
        return None
    folded = lowered(text)   # (the text's lower case, made once for every pattern that reads it)
    best = max(scores, key=lambda k: (scores[k], min(folded.count(k), 20), len(k)))
    return forms[best][1]


def _by_frequency(text: str, lex: Lexicon) -> str | None:
    """The company name (with a legal suffix) the text repeats most, registry recipients aside."""
    counts: dict[str, int] = {}
    _pats, stop, lead = _patterns()
    for m in company_names(text):
        n = _clean(m.group(0))
        while ", " in n and n.split(", ", 1)[0].lower() in stop | lead:   # "Services, Kandra Labs, Inc."
            n = n.split(", ", 1)[1]
        org = lex.registry.find_name(n)
        if org is not None and org.role == "recipient":
            continue
        counts[n] = counts.get(n, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _by_contact_domain(text: str, lex: Lexicon) -> str | None:
    """A name in the text that spells the domain of the policy's contact e-mail ("privacy@read-the-docs.org")."""
    domains: dict[str, int] = {}
    for m in _EMAIL.finditer(text):
        label = m.group(1).lower().replace("-", "")
        if lex.registry.find_name(label) is None:
            domains[label] = domains.get(label, 0) + 1
    for label in sorted(domains, key=lambda k: -domains[k]):
        if len(label) < 3:
            continue
        # the same letters written as words: "Read the Docs", "Post-Gazette", "Hocuspocus"
        rx = re.compile(r"(?<![\w.@/])" + r"[\s\-]?".join(re.escape(c) for c in label) + r"(?![\w@])", re.I)
        m = rx.search(text)
        if m:
            return m.group(0)
    return None


_EMAIL = re.compile(r"\b[\w.+-]{1,64}@(?:[\w-]{1,63}\.){0,3}?([\w-]{2,63})\.(?:com|org|net|io|dev|co|jp|de|fr|uk|eu|us|ai|app)\b")


def find_controller(text: str, lex: Lexicon, hint: str | None = None, folded: Folded | None = None) -> Party:
    """The controller named in the text (or the hint a user gave), with its country
    (``folded``: the text's ``Folded``, made here if not given)."""
    name = hint or _by_patterns(text, lex) or _by_contact_domain(text, lex) or _by_frequency(text, lex)
    org = lex.registry.find_name(name) if name else None
    party = Party(name=name or "", organization=org.name if org else (name or None),
                  country=(org.country if org else None), known=org is not None)
    if not party.country and name:
        party.country = controller_country(text, name, lex, folded)
    return party


def controller_country(text: str, name: str, lex: Lexicon, folded: Folded | None = None) -> str | None:
    """Country from the controller's name, then its address lines, then the most named place."""
    if re.search(r"株式会社|合同会社|有限会社|\bK\.K\.|Kabushiki Kaisha", name):
        return "JP"
    for _a, _b, cc in lex.places.finditer(name, fold(name, lower=False)):
        return cc
    counts: dict[str, int] = {}
    folded = folded or Folded(text)
    for m in _address_lines(text):
        for _a, _b, cc in lex.places.finditer(m.group(0), folded.case[m.start():m.end()]):
            counts[cc] = counts.get(cc, 0) + 3
    if not counts:
        for _a, _b, cc in lex.places.finditer(text, folded):
            if cc != "EU":
                counts[cc] = counts.get(cc, 0) + 1
    if counts:
        return max(counts, key=lambda k: counts[k])
    return None


_ADDRESS_LINE = re.compile(r"(?im)^.{0,40}(?:address|所在地|住所)\s*[:：].*$")


def _address_lines(text: str):
    """The matches of ``_ADDRESS_LINE`` ("Address: ..."), tried only at the lines holding the word."""
    low = lowered(text)
    words = sorted(_occurrences(low, ("address", "所在地", "住所"), None, 0, len(low)))
    end = 0
    for i in words:
        line = text.rfind("\n", 0, i) + 1
        if line < end or i - line > 40:
            continue
        m = _ADDRESS_LINE.match(text, line)
        if m:
            yield m
            end = m.end()


def is_controller_name(candidate: str, controller: Party) -> bool:
    """True when a name found in the text is the controller itself (or its brand)."""
    if not controller.name:
        return False
    a, b = _org_key(candidate), _org_key(controller.name)
    if not a or not b:
        return False
    return (a == b or a in b.split() or b in a.split() or (len(a) > 3 and b.startswith(a))
            or (len(b) > 3 and a.startswith(b)) or (len(b) > 5 and a.replace(" ", "").endswith(b.replace(" ", ""))))
