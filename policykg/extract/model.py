"""The result of extracting one policy: plain dataclasses that turn into JSON."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Evidence:
    """A sentence of the policy text, with its offsets (start inclusive, end exclusive)."""
    text: str
    start: int
    end: int


@dataclass
class DataItem:
    label: str
    iri: str
    inferred: bool = False  # True when implied by the recipient's kind, not named in the text


@dataclass
class Party:
    name: str
    organization: str | None = None  # canonical registry/organisation name; None for an unnamed category
    category: str | None = None      # recipient-category code (payment, cloud, ...)
    country: str | None = None       # ISO 3166-1 alpha-2
    parent: str | None = None        # canonical name of the parent organisation
    known: bool = False              # found in the registry (False: recognised from its context)


@dataclass
class Flow:
    recipient: Party
    action: str                      # share, entrust, joint-use, provide-to-third-party, transfer, disclose-to-authorities
    data: list[DataItem] = field(default_factory=list)
    purposes: list[dict] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    legal_bases: list[dict] = field(default_factory=list)   # {"label", "iri"}: consent, contract, ...


@dataclass
class Source:
    """An organisation the controller receives data from (social login, data brokers)."""
    source: Party
    data: list[DataItem] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Condition:
    """A negated or conditional statement: "we will not share ... except ..."; not a flow."""
    text: str
    recipients: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Collected:
    label: str
    iri: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class PolicyResult:
    source: str
    language: str
    controller: Party
    text_sha256: str
    chars: int
    collected: list[Collected] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    encoding: str = "utf-8"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["controller"] = {k: d["controller"][k] for k in ("name", "country", "organization")}
        return d
