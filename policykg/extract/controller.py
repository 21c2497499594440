"""Find the controller: the company whose policy this is, and its country."""
from __future__ import annotations

import re

from .lexicon import Lexicon, _org_key
from .model import Party
from .phrases import fold

# a parenthesis that defines how the policy calls the company: ("we", "us"), (hereinafter "the Company"), (“弊社”)
_DEFINER = re.compile(
    r"[(（]\s*(?:hereinafter(?: referred to as)?|collectively|together|the\s+)?\s*[,]?\s*[\"“”'‘]?\s*"
    r"(?:we|us|our|the company|company|弊社|当社|私たち|当方)",
    re.I,
)
_DEFINER_JA = re.compile(r"[(（]\s*(?:以下|以下、)?\s*[「“\"]?(?:弊社|当社|私たち)")
_SUFFIX_NAME = re.compile(
    r"((?:[A-Z0-9][\w&'.\-]*)(?:[ ,]{1,3}(?:[A-Z0-9(][\w&'.\-)]*|&|of|and|de)){0,6})[, ]{1,3}"
    r"(Co\.,?\s?Ltd\.?|Co\.|Inc\.?|INC\.?|Incorporated|LLC|L\.L\.C\.|Ltd\.?|Limited|Corporation|Corp\.?|GmbH|AG|plc|PLC|S\.A\.|B\.V\.|K\.K\.|Pte\.?\s?Ltd\.?|Pty\.?\s?Ltd\.?)(?![A-Za-z])"
)
_JA_NAME = re.compile(r"(?:株式会社|合同会社|有限会社)[ 　]?[\w・ー&＆]{1,30}|[\w・ー&＆]{1,30}(?:株式会社|合同会社|有限会社)")
_LABELLED = re.compile(
    r"^(?:[-*•\s]*)(?:company name|business name|name or title of business|operator|entity handling personal information|"
    r"事業者名|会社名|商号|名称|運営会社|事業者の名称)\s*[:：]?\s*(.{2,80})$",
    re.I | re.M,
)
_LEAD_WORDS = re.compile(r"^(?:弊社|当社|私たち)[、,]\s*|^(?:the|this|our|by|and|welcome to)\s+", re.I)


def _clean(name: str) -> str:
    name = _LEAD_WORDS.sub("", name.strip(" \t,、:：\"“”'"))
    name = re.sub(r"\s+", " ", name)
    return name.strip(" ,、")


def _name_before(text: str, pos: int) -> str | None:
    """The organisation name that ends right before pos (a defining parenthesis)."""
    start = max(0, pos - 160)
    chunk = text[start:pos]
    # cut at the previous sentence / clause boundary
    cut = max(chunk.rfind(". "), chunk.rfind("\n"), chunk.rfind("。"), chunk.rfind("、"), chunk.rfind("， "))
    if cut >= 0:
        chunk = chunk[cut + 1:]
    chunk = _clean(chunk)
    if not chunk or len(chunk) > 100:
        return None
    m = list(_SUFFIX_NAME.finditer(chunk))
    if m and m[-1].end() >= len(chunk) - 2:
        return _clean(m[-1].group(0))
    words = chunk.split()
    if 1 <= len(words) <= 6 and (chunk[:1].isupper() or not chunk[:1].isascii()):
        return chunk
    return None


def find_controller(text: str, lex: Lexicon, hint: str | None = None) -> Party:
    """The controller named in the text (or the hint a user gave), with its country."""
    name = hint
    if not name:
        head = text[:6000]
        for rx in (_DEFINER, _DEFINER_JA):
            for m in rx.finditer(head):
                cand = _name_before(head, m.start())
                if cand and not re.fullmatch(r"(?i)(we|us|our|this|the|it|policy|privacy policy|services?)", cand):
                    name = cand
                    break
            if name:
                break
    if not name:
        m = _LABELLED.search(text)
        if m:
            name = _clean(re.split(r"\s{2,}|\|", m.group(1))[0])
    if not name:
        counts: dict[str, int] = {}
        for rx in (_SUFFIX_NAME, _JA_NAME):
            for m in rx.finditer(text):
                n = _clean(m.group(0))
                org = lex.registry.find_name(n)
                if org is not None and org.role == "recipient":
                    continue
                counts[n] = counts.get(n, 0) + 1
        if counts:
            name = max(counts, key=lambda k: counts[k])
    org = lex.registry.find_name(name) if name else None
    party = Party(name=name or "", organization=org.name if org else (name or None),
                  country=(org.country if org else None), known=org is not None)
    if not party.country and name:
        party.country = controller_country(text, name, lex)
    return party


def controller_country(text: str, name: str, lex: Lexicon) -> str | None:
    """Country from the controller's name, then its address lines, then the most named place."""
    for _a, _b, cc in lex.places.finditer(name, fold(name, lower=False)):
        return cc
    counts: dict[str, int] = {}
    folded = fold(text, lower=False)
    for m in re.finditer(r"(?im)^.{0,40}(?:address|所在地|住所)\s*[:：].*$", text):
        for _a, _b, cc in lex.places.finditer(m.group(0), folded[m.start():m.end()]):
            counts[cc] = counts.get(cc, 0) + 3
    if not counts:
        for _a, _b, cc in lex.places.finditer(text, folded):
            if cc != "EU":
                counts[cc] = counts.get(cc, 0) + 1
    if counts:
        return max(counts, key=lambda k: counts[k])
    return None


def is_controller_name(candidate: str, controller: Party) -> bool:
    """True when a name found in the text is the controller itself (or its brand)."""
    if not controller.name:
        return False
    a, b = _org_key(candidate), _org_key(controller.name)
    if not a or not b:
        return False
    return a == b or a in b.split() or b in a.split() or (len(a) > 3 and b.startswith(a)) or (len(b) > 3 and a.startswith(b))
