"""Turn one extraction result into RDF quads: DPV flows and PROV/Web Annotation evidence in the
policy's own named graph, facts about organisations in the shared organisations graph.

Organisations (type, label, country, category, parent) are written to ``ORG_GRAPH``, once for
the whole store, not into each policy graph naming them: a store's default graph is the union
of its graphs, and a fact repeated in thousands of policy graphs would be read thousands of
times by every query. An evidence node is one sentence of the policy (its offsets in the IRI),
shared by every flow it supports."""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from ..extract.model import Evidence, Party, PolicyResult
from ..ontology import DCT, DPV, ID, LOC, OA, ORG, PKG, PROV, RDF, RDFS, XSD

TYPE = RDF + "type"
LABEL = RDFS + "label"
#: the graph holding what is known about organisations, shared by all policies
ORG_GRAPH = ID + "graph/organizations"

#: action code -> (processing concept, recipient sub-properties written beside dpv:hasRecipient)
ACTIONS = {
    "share": (DPV + "Share", []),
    "entrust": (PKG + "Entrust", [PKG + "hasEntrustee", DPV + "hasDataProcessor"]),
    "joint-use": (PKG + "JointUse", [PKG + "hasJointUser"]),
    "provide-to-third-party": (PKG + "ProvideToThirdParty", [PKG + "hasThirdPartyRecipient", DPV + "hasRecipientThirdParty"]),
    "transfer": (DPV + "Transfer", []),
    "disclose-to-authorities": (PKG + "DiscloseToAuthorities", []),
    "sell": (DPV + "Share", [DPV + "hasRecipientThirdParty"]),
}


def slug(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower()
    s = re.sub(r"[^\w]+", "-", s, flags=re.UNICODE).strip("-")
    if not s.isascii():
        s = re.sub(r"[^a-z0-9-]+", "", s).strip("-") + "-" + hashlib.sha1(text.encode()).hexdigest()[:8]
        s = s.strip("-")
    return s[:80] or hashlib.sha1(text.encode()).hexdigest()[:12]


def policy_id(source: str) -> str:
    """A stable id for a policy file: its name plus a short hash of its absolute path."""
    stem = os.path.splitext(os.path.basename(source))[0] or "policy"
    h = hashlib.sha1(os.path.abspath(source).encode("utf-8")).hexdigest()[:6]
    return f"{slug(stem)}-{h}"


def policy_iri(source: str) -> str:
    return ID + "policy/" + policy_id(source)


def org_iri(party: Party, registry_id: str | None = None) -> str:
    if party.organization is None:
        return ID + "recipient/" + slug(party.category or party.name)
    return ID + "org/" + (registry_id or slug(party.name))


def country_iri(cc: str) -> str:
    return LOC + cc


#: N-Quads escapes of a literal's characters (the same as Oxigraph writes)
_ESCAPES = {i: "\\u%04X" % i for i in [*range(0x20), 0x7F]}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"})


def _lit(value, datatype: str | None = None) -> str:
    """A literal in N-Quads syntax (a plain string or a typed literal)."""
    text = str(value)
    if '"' in text or "\\" in text or not text.isprintable():   # (translating costs a lookup a character)
        text = text.translate(_ESCAPES)
    text = '"' + text + '"'
    return f"{text}^^<{datatype}>" if datatype else text


class _Writer:
    """Collects one graph's quads as N-Quads lines (objects: an IRI string or a ``_lit``)."""

    def __init__(self, graph: str):
        self.g = f" <{graph}> .\n"
        self.lines: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        if o[0] != '"':
            o = "<" + o + ">"
        self.lines.append(f"<{s}> <{p}> {o}{self.g}")


@dataclass
class PolicyGraph:
    """One policy ready for a store: its graph IRI, every quad of that graph but the content hash
    (N-Quads, UTF-8), the hash, which a store writes last so that a graph cut short is never
    taken for a complete one, and ``shared``: the N-Quads lines of ``ORG_GRAPH`` the policy's
    organisations need (a store adds those it does not have yet)."""
    graph: str
    nquads: bytes
    sha256: str
    shared: bytes = b""

    def hash_quad(self) -> str:
        """The N-Quads line of the policy's ``pkg:contentHash``."""
        return f"<{self.graph}> <{PKG}contentHash> {_lit(self.sha256)} <{self.graph}> .\n"


_HASH_LINE = 4


def policy_graph(r: PolicyResult, registry=None) -> PolicyGraph:
    """One extraction result as a ``PolicyGraph`` (the fast path for building stores)."""
    doc, lines, shared = _policy_lines(r, registry)
    del lines[_HASH_LINE]
    # each line encoded on its own: an ASCII line is copied as it is (one joined string holding a
    # single curly quote would be widened whole and encoded character by character)
    return PolicyGraph(doc, b"".join([x.encode("utf-8") for x in lines]), r.text_sha256,
                       b"".join([x.encode("utf-8") for x in shared]))


def policy_quads(r: PolicyResult, registry=None) -> tuple[str, list[ox.Quad]]:
    """(graph IRI, quads) for one extraction result: its own graph's and those of ``ORG_GRAPH``
    about its organisations."""
    doc, lines, shared = _policy_lines(r, registry)
    return doc, list(ox.parse("".join(lines + shared), format=ox.RdfFormat.N_QUADS))


def _policy_lines(r: PolicyResult, registry=None) -> tuple[str, list[str], list[str]]:
    """(graph IRI, its N-Quads lines, ``ORG_GRAPH`` lines); line ``_HASH_LINE`` is the content hash."""
    from ..extract.lexicon import load
    reg = registry or load().registry
    pid = policy_id(r.source)
    doc = policy_iri(r.source)
    w = _Writer(doc)
    o = _Writer(ORG_GRAPH)
    w.add(doc, TYPE, PKG + "PolicyDocument")
    w.add(doc, TYPE, PROV + "Entity")
    w.add(doc, DCT + "source", _lit(r.source))
    w.add(doc, DCT + "language", _lit(r.language))
    w.add(doc, PKG + "contentHash", _lit(r.text_sha256))          # line _HASH_LINE
    w.add(doc, DCT + "extent", _lit(r.chars, XSD + "integer"))

    ctrl = r.controller
    creg = reg.find_name(ctrl.name) if ctrl.name else None
    ctrl_iri = ID + "org/" + (creg.id if creg else slug(ctrl.name or pid))
    o.add(ctrl_iri, TYPE, DPV + "DataController")
    o.add(ctrl_iri, TYPE, DPV + "Organisation")
    o.add(ctrl_iri, LABEL, _lit(ctrl.name or pid))
    if ctrl.country:
        o.add(ctrl_iri, DPV + "hasCountry", country_iri(ctrl.country))
    w.add(doc, DCT + "publisher", ctrl_iri)

    written: set[str] = set()          # organisations written
    parent_of: dict[str, str] = {}     # organisation -> its parent, as written here

    def chain(iri: str):
        """The organisation and those above it, as written here (acyclic: see party_node)."""
        while iri:
            yield iri
            iri = parent_of.get(iri)

    def party_node(p: Party) -> str:
        rid = None
        if p.organization is not None and p.known:
            known = reg.find_name(p.name)
            rid = known.id if known else None
        iri = org_iri(p, rid)
        if iri not in written:
            written.add(iri)
            o.add(iri, TYPE, DPV + "Recipient")
            o.add(iri, LABEL, _lit(p.name))
            if p.category:
                o.add(iri, PKG + "recipientCategory", PKG + _CATEGORY_LOCAL.get(p.category, "OtherRecipient"))
            if p.organization is not None:
                o.add(iri, TYPE, DPV + "Organisation")
                if p.country:
                    o.add(iri, DPV + "hasCountry", country_iri(p.country))
            else:
                o.add(iri, TYPE, PKG + "UnnamedRecipient")
        org = reg.get(rid) if rid else None
        if org and p.parent and org.parent in reg.orgs and iri not in parent_of:   # linked once
            parent = reg.get(org.parent)
            grand = reg.orgs.get(parent.parent) if parent.parent else None
            pnode = party_node(Party(name=parent.name, organization=reg.top(parent.id).name, category=parent.category,
                                     country=parent.country, parent=grand.name if grand else None, known=True))
            if iri not in chain(pnode):                                             # no cycle
                o.add(iri, ORG + "subOrganizationOf", pnode)
                parent_of[iri] = pnode
        return iri

    written_evidence: set[str] = set()

    def evidence(base: str, evs: list[Evidence]) -> None:
        for e in evs:
            ev = f"{ID}evidence/{pid}/{e.start}-{e.end}"
            w.add(base, PROV + "wasDerivedFrom", ev)
            if ev in written_evidence:
                continue
            written_evidence.add(ev)
            sel = ev + "/sel"
            w.add(ev, TYPE, OA + "SpecificResource")
            w.add(ev, OA + "hasSource", doc)
            w.add(ev, OA + "hasSelector", sel)
            w.add(ev, PROV + "value", _lit(e.text))
            w.add(sel, TYPE, OA + "TextPositionSelector")
            w.add(sel, OA + "start", _lit(e.start, XSD + "integer"))
            w.add(sel, OA + "end", _lit(e.end, XSD + "integer"))

    base = ID + "flow/" + pid
    shortcuts: dict[str, set[str]] = {}   # organisation (and each above it) -> data it receives here
    for n, f in enumerate(r.flows):
        fi = f"{base}/{n}"
        rec = party_node(f.recipient)
        if f.recipient.organization is not None:
            for node in chain(rec):
                shortcuts.setdefault(node, set()).update(d.iri for d in f.data)
        proc, subprops = ACTIONS.get(f.action, ACTIONS["share"])
        w.add(fi, TYPE, DPV + "Process")
        w.add(fi, DPV + "hasDataController", ctrl_iri)
        w.add(fi, DPV + "hasRecipient", rec)
        for sp in subprops:
            w.add(fi, sp, rec)
        w.add(fi, DPV + "hasProcessing", proc)
        w.add(fi, PKG + "action", _lit(f.action))
        if f.recipient.category == "cloud":
            w.add(fi, DPV + "hasProcessing", DPV + "Store")
        if f.action == "sell":
            w.add(fi, DPV + "hasPurpose", DPV + "SellDataToThirdParties")
        for d in f.data:
            w.add(fi, DPV + "hasPersonalData", d.iri)
            if d.inferred:
                w.add(fi, PKG + "inferredPersonalData", d.iri)
        for pur in f.purposes:
            w.add(fi, DPV + "hasPurpose", pur["iri"])
        for lb in f.legal_bases:
            w.add(fi, DPV + "hasLegalBasis", lb["iri"])
        rc = f.recipient.country
        if ctrl.country and rc and rc != ctrl.country and f.recipient.organization is not None:
            w.add(fi, TYPE, DPV + "CrossBorderTransfer")
            w.add(fi, DPV + "hasProcessing", DPV + "CrossBorderTransfer")
            w.add(fi, DPV + "hasThirdCountry", country_iri(rc))
        evidence(fi, f.evidence)

    for org, data in shortcuts.items():   # the flows rolled up, for queries over many policies
        w.add(ctrl_iri, PKG + "sharesDataWith", org)
        for d in sorted(data):
            w.add(org, PKG + "receivesData", d)

    for n, s in enumerate(r.sources):
        fi = f"{base}/source/{n}"
        src = party_node(s.source)
        w.add(fi, TYPE, DPV + "Process")
        w.add(fi, DPV + "hasDataController", ctrl_iri)
        w.add(fi, DPV + "hasDataSource", src)
        w.add(fi, DPV + "hasProcessing", DPV + "Collect")
        for d in s.data or []:
            w.add(fi, DPV + "hasPersonalData", d.iri)
        if not s.data:
            w.add(fi, DPV + "hasPersonalData", DPV + "PersonalData")
        evidence(fi, s.evidence)

    by_evidence: dict[tuple, list] = {}          # one collection per set of sentences
    for c in r.collected:
        by_evidence.setdefault(tuple((e.start, e.end) for e in c.evidence), []).append(c)
    for n, items in enumerate(by_evidence.values()):
        fi = f"{base}/collect/{n}"
        w.add(fi, TYPE, DPV + "Process")
        w.add(fi, DPV + "hasDataController", ctrl_iri)
        w.add(fi, DPV + "hasProcessing", DPV + "Collect")
        for c in items:
            w.add(fi, DPV + "hasPersonalData", c.iri)
        evidence(fi, items[0].evidence)

    for n, c in enumerate(r.conditions):
        ci = f"{ID}condition/{pid}/{n}"
        w.add(doc, PKG + "hasCondition", ci)
        w.add(ci, TYPE, PKG + "SharingCondition")
        w.add(ci, PROV + "value", _lit(c.text))
        evidence(ci, c.evidence)
    return doc, w.lines, o.lines


_CATEGORY_LOCAL = {
    "payment": "PaymentProvider", "cloud": "CloudHosting", "analytics": "AnalyticsProvider",
    "advertising": "AdvertisingProvider", "messaging": "MessagingProvider", "support": "CustomerSupportProvider",
    "logistics": "LogisticsProvider", "social": "SocialMedia", "security": "SecurityProvider",
    "group": "GroupCompany", "government": "PublicAuthority", "service-provider": "ServiceProvider",
    "broker": "DataBroker", "other": "OtherRecipient",
}
