"""The lexicons extraction runs on, loaded once from data files.

- ``ontology/organizations.json``: the organisation registry;
- ``ontology/data-categories.ttl``: data categories (SKOS, English and Japanese labels);
- ``ontology/recipient-categories.ttl``: recipient categories and how policies name unnamed ones;
- ``ontology/purposes.ttl``: purposes and legal bases with the phrases that express them;
- ``extract/cues.json``: cue patterns (sharing, sources, negation, actions);
- ``extract/places.json``: place names that tell a country.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .cues import CueSet
from .phrases import PhraseMatcher, norm_phrase

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PKG = "https://w3id.org/policykg#"
DPV = "https://w3id.org/dpv#"
UNSPECIFIED = DPV + "PersonalData"


def _data_path(package: str, name: str):
    return resources.files(package).joinpath(name)


def _read_text(package: str, name: str) -> str:
    return _data_path(package, name).read_text(encoding="utf-8")


@dataclass
class Org:
    id: str
    name: str
    aliases: list[str]
    weak_aliases: list[str]
    domains: list[str]
    parent: str | None
    category: str
    country: str | None
    role: str = "recipient"
    kind: str = ""          # "product" for a service or brand of its parent ("Google Analytics")


@dataclass
class Concept:
    iri: str
    label_en: str
    label_ja: str = ""
    alt: list[str] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    notation: str = ""


def _alias_variants(alias: str) -> set[str]:
    a = norm_phrase(alias, lower=False)
    out = {a}
    if a.isascii():
        out.add(a[:1].upper() + a[1:].lower())
        out.add(a.title())
        if len(a) >= 4:
            out.add(a.upper())
        if a.lower() == a:  # written in lower case in the registry: any case
            out.add(a)
    return out


class Registry:
    """The organisation registry with a matcher over every alias."""

    def __init__(self, orgs: list[Org]):
        self.orgs = {o.id: o for o in orgs}
        strong: dict[str, tuple[str, bool]] = {}
        for o in orgs:
            for alias in [o.name, *o.aliases]:
                for v in _alias_variants(alias):
                    strong.setdefault(v, (o.id, False))
            for alias in o.weak_aliases:
                for v in _alias_variants(alias):
                    strong.setdefault(v, (o.id, True))
        # an alias both strong and weak (the canonical name is a common word) is weak
        for o in orgs:
            for alias in o.weak_aliases:
                for v in _alias_variants(alias):
                    if strong.get(v, (None,))[0] == o.id:
                        strong[v] = (o.id, True)
        self.matcher = PhraseMatcher(strong, lower=False, plurals=False)
        self.by_norm = {}
        for o in orgs:
            for alias in [o.name, *o.aliases]:
                self.by_norm.setdefault(_org_key(alias), o.id)

    def get(self, oid: str) -> Org:
        return self.orgs[oid]

    def top(self, oid: str) -> Org:
        """The organisation at the top of the parent chain."""
        seen = set()
        o = self.orgs[oid]
        while o.parent and o.parent in self.orgs and o.parent not in seen:
            seen.add(o.id)
            o = self.orgs[o.parent]
        return o

    def is_product(self, o: Org) -> bool:
        """A product or brand of its parent: marked so, or named after it ("Google Analytics", "LinkedIn Ads")."""
        if o.kind == "product":
            return True
        parent = self.orgs.get(o.parent) if o.parent else None
        if parent is None:
            return False
        name = _org_key(o.name)
        return any(name.startswith(_org_key(a) + " ") for a in [parent.name, *parent.aliases] if _org_key(a))

    def company(self, oid: str) -> Org:
        """The company that stands behind a product (itself for a company): the recipient a flow names."""
        seen = set()
        o = self.orgs[oid]
        while self.is_product(o) and o.parent in self.orgs and o.id not in seen:
            seen.add(o.id)
            o = self.orgs[o.parent]
        return o

    def find_name(self, name: str) -> Org | None:
        oid = self.by_norm.get(_org_key(name))
        return self.orgs[oid] if oid else None


_SUFFIX = re.compile(r"\b(inc|llc|ltd|limited|co|corp|corporation|company|gmbh|ag|sa|kk|plc|pte|pty|bv|b\.v|s\.a)\b\.?", re.I)


@lru_cache(maxsize=4096)
def _org_key(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).lower()
    s = s.replace("株式会社", " ").replace("合同会社", " ").replace("有限会社", " ")
    s = _SUFFIX.sub(" ", s)
    s = re.sub(r"[^\w.]+", " ", s)
    return re.sub(r"\s+", " ", s).strip(" .")


def _load_ttl(name: str):
    import pyoxigraph as ox
    path = _data_path("policykg.ontology", name)
    with path.open("rb") as fh:
        return list(ox.parse(fh, format=ox.RdfFormat.TURTLE))


def _concepts(name: str, scheme: str | None = None) -> dict[str, Concept]:
    triples = _load_ttl(name)
    out: dict[str, Concept] = {}
    in_scheme = set()
    for t in triples:
        s = t.subject.value if hasattr(t.subject, "value") else str(t.subject)
        p = t.predicate.value
        o = t.object
        if p == SKOS + "inScheme" and (scheme is None or o.value == scheme):
            in_scheme.add(s)
        c = out.get(s)
        if p in (SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel", SKOS + "broader", SKOS + "notation"):
            if c is None:
                c = out[s] = Concept(iri=s, label_en="")
            lang = getattr(o, "language", None)
            if p == SKOS + "prefLabel":
                if lang == "ja":
                    c.label_ja = o.value
                elif lang in (None, "en") and not c.label_en:
                    c.label_en = o.value
                c.alt.append(o.value)
            elif p == SKOS + "broader":
                c.broader.append(o.value)
            elif p == SKOS + "notation":
                c.notation = o.value
            else:
                c.alt.append(o.value)
    if scheme is not None:
        out = {k: v for k, v in out.items() if k in in_scheme}
    for c in out.values():
        if not c.label_en:
            c.label_en = c.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return out


@dataclass
class Lexicon:
    registry: Registry
    data: dict[str, Concept]
    data_matcher: PhraseMatcher
    recipient_cats: dict[str, Concept]          # code -> concept
    recipient_matcher: PhraseMatcher            # unnamed recipient phrases -> code
    purposes: dict[str, Concept]
    purpose_matcher: PhraseMatcher
    legal_bases: dict[str, Concept]
    legal_matcher: PhraseMatcher
    cues: CueSet                                # cues[name] is the cue as one pattern
    actions: CueSet                             # action name -> cue, in the order they are tried
    places: PhraseMatcher
    category_data: dict[str, list[str]] = field(default_factory=dict)
    category_purpose: dict[str, str] = field(default_factory=dict)



@lru_cache(maxsize=1)
def load() -> Lexicon:
    """Load (once per process) every lexicon extraction needs."""
    reg = json.loads(_read_text("policykg.ontology", "organizations.json"))
    orgs = []
    for o in reg["organizations"]:
        orgs.append(Org(id=o["id"], name=o["name"], aliases=o.get("aliases", []), weak_aliases=o.get("weak_aliases", []),
                        domains=o.get("domains", []), parent=o.get("parent"), category=o.get("category", "other"),
                        country=o.get("country"), role=o.get("role", "recipient"), kind=o.get("kind", "")))
    registry = Registry(orgs)

    cues_raw = json.loads(_read_text("policykg.extract", "cues.json"))
    stop = {s.lower() for s in cues_raw.get("data_label_stoplist", [])}
    data = _concepts("data-categories.ttl", PKG + "DataCategories")
    data_phr = {}
    for c in data.values():
        for label in c.alt:
            if label.lower() not in stop:
                data_phr.setdefault(label, c.iri)
    rc = _concepts("recipient-categories.ttl", PKG + "RecipientCategories")
    rcats = {c.notation: c for c in rc.values() if c.notation}
    rec_phr = {}
    for c in rcats.values():
        for label in c.alt:
            rec_phr.setdefault(label, c.notation)
    pur = _concepts("purposes.ttl")
    legal_iris = {DPV + x for x in ("Consent", "Contract", "LegitimateInterest", "LegalObligation", "VitalInterest", "PublicInterest")}
    purposes = {k: v for k, v in pur.items() if k not in legal_iris and v.alt}
    legal = {k: v for k, v in pur.items() if k in legal_iris}
    try:
        for k, v in _concepts("legal-bases.ttl").items():
            legal.setdefault(k, v)
    except (FileNotFoundError, OSError):
        pass
    cues = CueSet({k: v for k, v in cues_raw.items() if isinstance(v, list) and k != "data_label_stoplist"})
    actions = CueSet(cues_raw["action"])
    places_raw = json.loads(_read_text("policykg.extract", "places.json"))
    places = PhraseMatcher({p: cc for cc, names in places_raw.items() if not cc.startswith("_") for p in names},
                           lower=False, plurals=False)
    data_matcher, recipient_matcher = PhraseMatcher(data_phr), PhraseMatcher(rec_phr)
    purpose_matcher = PhraseMatcher({l: c.iri for c in purposes.values() for l in c.alt})
    legal_matcher = PhraseMatcher({l: c.iri for c in legal.values() for l in c.alt})
    # matchers that read the same text of a policy find their phrases in one pass over it
    PhraseMatcher.share_pass([data_matcher, recipient_matcher, purpose_matcher, legal_matcher])
    PhraseMatcher.share_pass([registry.matcher, places])
    return Lexicon(
        registry=registry, data=data, data_matcher=data_matcher,
        recipient_cats=rcats, recipient_matcher=recipient_matcher,
        purposes=purposes, purpose_matcher=purpose_matcher,
        legal_bases=legal, legal_matcher=legal_matcher,
        cues=cues, actions=actions, places=places,
        category_data=cues_raw.get("category_data", {}), category_purpose=cues_raw.get("category_purpose", {}),
    )
