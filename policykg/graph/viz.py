"""The cross-company page: one self-contained HTML file (vis-network, no network access).

Companies (data controllers) and the organisations they send personal data to are the
nodes; an edge joins a company to an organisation and aggregates every flow between the
two (products named, actions, data categories, purposes, countries, evidence sentences).
Recipients are coloured by category and sized by how many companies use them; shared
recipients (two companies or more) get a thick border and a badge.  A recipient a policy
names only by kind ("law enforcement", "advertising partners") is drawn once per company
and kind, so that two companies' unnamed partners never look like one shared processor.  Side panels show the
flows behind a click, the company × company overlap and the most-shared recipients with
their blast radius.

Everything that comes from a policy is data, never markup: it travels as JSON inside
``<script type="application/json">`` (with ``<``, ``>``, ``&``, U+2028/9 escaped) and the
page script builds its panels with ``textContent``.  A Content-Security-Policy allows only
the page's own inline scripts (by hash) and no network access at all.

>>> html = render([])            # an empty graph still renders a page
>>> "<script type=\\"application/json\\" id=\\"policykg-data\\">" in html
True
"""
from __future__ import annotations

import base64
import hashlib
import heapq
import json
import math
import os
import re
from collections import Counter
from importlib import resources

from .analytics import company_overlap

#: Recipient categories in legend order: code -> (label, colour).
CATEGORIES: dict[str, tuple[str, str]] = {
    "payment": ("Payment", "#1f77b4"),
    "cloud": ("Cloud & hosting", "#17becf"),
    "analytics": ("Analytics", "#ff7f0e"),
    "advertising": ("Advertising", "#d62728"),
    "messaging": ("Messaging & e-mail", "#9467bd"),
    "support": ("Customer support", "#8c564b"),
    "logistics": ("Logistics & delivery", "#bcbd22"),
    "social": ("Social media", "#e377c2"),
    "security": ("Security & fraud", "#2ca02c"),
    "group": ("Group companies", "#7f7f7f"),
    "government": ("Authorities", "#393b79"),
    "service-provider": ("Service providers", "#6b9ac4"),
    "broker": ("Data brokers", "#843c39"),
    "other": ("Other", "#b0b0b0"),
}

#: Row caps for the side tables (the graph itself is never truncated).
MAX_OVERLAP_ROWS = 500
MAX_SHARED_ROWS = 300

_ASSETS = ("viz.html", "viz.css", "viz.js")
_VIS_REL = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")


# -- public API ----------------------------------------------------------------------------

def write_page(store, path: str, show_unnamed: bool = True) -> dict:
    """Write one self-contained HTML file; return {"companies", "recipients", "bytes"}."""
    from .analytics import flows

    rows = flows(store)
    model = build_model(rows, show_unnamed=show_unnamed)
    data = render_model(model).encode("utf-8")
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
    m = model["meta"]
    return {"companies": m["companies"], "recipients": m["recipientsShown"], "bytes": len(data)}


def render(flow_rows: list[dict], show_unnamed: bool = True) -> str:
    """The HTML text of the page for these flow rows (see ``analytics.flows``)."""
    return render_model(build_model(flow_rows, show_unnamed=show_unnamed))


# -- the model: nodes, aggregated edges, overlap and blast radius -----------------------------

def _str(v) -> str:
    return "" if v is None else str(v)


def _int(v, default: int = -1) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def _bool(v) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in {"true", "1", "yes"}
    return bool(v)


def _list(v) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [x for x in v.split("|") if x]
    return [_str(x) for x in v if x is not None and _str(x)]


def _category(v) -> str:
    v = _str(v).strip()
    return v if v in CATEGORIES else "other"


def node_size(companies: int) -> float:
    """Recipient dot radius: grows with the log of the number of companies using it."""
    return round(min(60.0, 10.0 + 8.0 * math.log2(max(1, companies))), 1)


def build_model(flow_rows: list[dict], show_unnamed: bool = True) -> dict:
    """Everything the page script needs, as plain JSON-able data."""
    sentences: list[str] = []
    sentence_ix: dict[str, int] = {}
    sources: list[str] = []
    source_ix: dict[str, int] = {}
    policies: list[str] = []  # the policy IRI of each source

    def sent(text: str) -> int:
        if text not in sentence_ix:
            sentence_ix[text] = len(sentences)
            sentences.append(text)
        return sentence_ix[text]

    def src(path: str, policy: str) -> int:
        if path not in source_ix:
            source_ix[path] = len(sources)
            sources.append(path)
            policies.append(policy)
        return source_ix[path]

    companies: dict[str, dict] = {}
    recips: dict[str, dict] = {}
    edges: dict[tuple[str, str], dict] = {}
    label_counts: dict[str, Counter] = {}
    cat_votes: dict[str, Counter] = {}

    for f in flow_rows:
        cid = "c:" + _str(f.get("controller") or f.get("controllerLabel"))
        clabel = _str(f.get("controllerLabel")) or _str(f.get("controller"))
        c = companies.setdefault(cid, {"id": cid, "label": clabel, "kind": "company", "countries": set(),
                                       "sources": set()})
        if f.get("controllerCountry"):
            c["countries"].add(_str(f["controllerCountry"]))
        if f.get("source"):
            c["sources"].add(_str(f["source"]))

        cat = _category(f.get("category"))
        org = _str(f.get("organization")).strip()
        product = _str(f.get("recipientLabel")) or org or CATEGORIES[cat][0]
        if org:
            rid, kind, rlabel = "o:" + org, "org", org
        else:
            rid, kind, rlabel = "u:" + cat + ":" + cid, "unnamed", None
        r = recips.setdefault(rid, {"id": rid, "label": rlabel, "kind": kind, "category": cat,
                                    "companies": set(), "data": set(), "products": set(), "countries": set(),
                                    "actions": set()})
        label_counts.setdefault(rid, Counter())[product] += 1
        cat_votes.setdefault(rid, Counter())[cat] += 1
        data = _list(f.get("data"))
        purposes = _list(f.get("purposes"))
        rcountry = _str(f.get("recipientCountry"))
        action = _str(f.get("action"))
        cross = _bool(f.get("crossBorder"))
        r["companies"].add(cid)
        r["data"].update(data)
        r["products"].add(product)
        if rcountry:
            r["countries"].add(rcountry)
        if action:
            r["actions"].add(action)

        e = edges.setdefault((cid, rid), {"from": cid, "to": rid, "flows": [], "data": set(), "purposes": set(),
                                          "actions": set(), "products": set(), "countries": set(),
                                          "crossBorder": False})
        s = src(_str(f.get("source")), _str(f.get("policy")))
        evidence = []
        for ev in f.get("evidence") or []:
            text = _str(ev.get("text") if isinstance(ev, dict) else ev)
            if not text:
                continue
            start = _int(ev.get("start")) if isinstance(ev, dict) else -1
            end = _int(ev.get("end")) if isinstance(ev, dict) else -1
            evidence.append([sent(text), s, start, end])
        e["flows"].append({"product": product, "action": action, "data": data, "purposes": purposes,
                           "controllerCountry": _str(f.get("controllerCountry")), "recipientCountry": rcountry,
                           "crossBorder": cross, "evidence": evidence})
        e["data"].update(data)
        e["purposes"].update(purposes)
        if action:
            e["actions"].add(action)
        e["products"].add(product)
        if rcountry:
            e["countries"].add(rcountry)
        e["crossBorder"] = e["crossBorder"] or cross

    order = {code: i for i, code in enumerate(CATEGORIES)}
    for rid, r in recips.items():
        # an organisation's category is the one most of its flows give it (Google: analytics)
        r["category"] = min(cat_votes[rid].items(), key=lambda kv: (-kv[1], order[kv[0]]))[0]
        # unnamed recipients are keyed by company and kind; they are called by their most common wording
        if r["label"] is None:
            r["label"] = min(label_counts[rid].items(), key=lambda kv: (-kv[1], kv[0]))[0]

    node_out = []
    n_recipients = Counter(a for (a, _) in edges)
    for c in sorted(companies.values(), key=lambda c: (c["label"].lower(), c["id"])):
        node_out.append({"id": c["id"], "label": c["label"], "kind": "company",
                         "countries": sorted(c["countries"]), "sources": sorted(c["sources"]),
                         "recipients": n_recipients[c["id"]]})
    for r in sorted(recips.values(), key=lambda r: (r["kind"] != "org", -len(r["companies"]), r["label"].lower())):
        n = len(r["companies"])
        node_out.append({"id": r["id"], "label": r["label"], "kind": r["kind"], "category": r["category"],
                         "companies": n, "shared": r["kind"] == "org" and n >= 2, "size": node_size(n),
                         "data": sorted(r["data"]), "products": sorted(r["products"]),
                         "countries": sorted(r["countries"]), "actions": sorted(r["actions"])})

    edge_out = []
    for i, e in enumerate(sorted(edges.values(), key=lambda e: (e["from"], e["to"]))):
        edge_out.append({"id": f"e{i}", "from": e["from"], "to": e["to"], "flows": e["flows"],
                         "data": sorted(e["data"]), "purposes": sorted(e["purposes"]),
                         "actions": sorted(e["actions"]), "products": sorted(e["products"]),
                         "countries": sorted(e["countries"]), "crossBorder": e["crossBorder"]})

    # company × company overlap (named organisations), ids resolved from labels
    label_ids: dict[str, str] = {}
    for c in companies.values():
        label_ids.setdefault(c["label"], c["id"])
    n_pairs, pairs = top_company_overlap(
        [{**f, "controllerLabel": _str(f.get("controllerLabel")) or _str(f.get("controller"))} for f in flow_rows],
        MAX_OVERLAP_ROWS)
    overlap = [{"a": p["a"], "b": p["b"], "aId": label_ids.get(p["a"]), "bId": label_ids.get(p["b"]),
                "shared": p["shared"], "jaccard": p["jaccard"]} for p in pairs]

    # blast radius: per named organisation, the companies and data categories exposed
    blast = []
    for r in recips.values():
        if r["kind"] != "org":
            continue
        blast.append({"id": r["id"], "organization": r["label"], "category": r["category"],
                      "companies": sorted(companies[c]["label"] for c in r["companies"]),
                      "data": sorted(r["data"]), "products": sorted(r["products"])})
    blast.sort(key=lambda b: (-len(b["companies"]), -len(b["data"]), b["organization"].lower()))

    cat_counts = Counter(r["category"] for r in recips.values())
    categories = [{"code": code, "label": lab, "color": col, "count": cat_counts[code]}
                  for code, (lab, col) in CATEGORIES.items() if cat_counts[code]]
    data_counts: Counter = Counter()
    for e in edge_out:
        data_counts.update(e["data"])
    n_named = sum(1 for r in recips.values() if r["kind"] == "org")
    n_unnamed = len(recips) - n_named
    meta = {"companies": len(companies), "recipients": len(recips), "named": n_named, "unnamed": n_unnamed,
            "shared": sum(1 for r in recips.values() if r["kind"] == "org" and len(r["companies"]) >= 2),
            "edges": len(edge_out), "flows": len(flow_rows), "showUnnamed": bool(show_unnamed),
            "recipientsShown": len(recips) if show_unnamed else n_named,
            "overlapPairs": n_pairs, "overlapShown": len(overlap),
            "sharedRecipients": len(blast), "sharedShown": min(len(blast), MAX_SHARED_ROWS)}
    return {"meta": meta, "categories": categories,
            "dataCategories": sorted(data_counts.items(), key=lambda kv: (-kv[1], kv[0])),
            "nodes": node_out, "edges": edge_out, "sentences": sentences, "sources": sources, "policies": policies,
            "overlap": overlap, "mostShared": blast[:MAX_SHARED_ROWS]}


def top_company_overlap(flow_rows: list[dict], limit: int) -> tuple[int, list[dict]]:
    """(number of overlapping pairs, the first ``limit`` rows of ``analytics.company_overlap``).

    Same rows and order as ``company_overlap``, but with bit sets and a bounded heap, so
    that 1,000 companies (half a million pairs) take a fraction of a second.
    """
    recips: dict[str, set[str]] = {}
    for f in flow_rows:
        if f.get("organization"):
            recips.setdefault(f["controllerLabel"], set()).add(f["organization"])
    if len(recips) < 60:  # small: the reference implementation
        rows = company_overlap(flow_rows)
        return len(rows), rows[:limit]
    bit = {o: 1 << i for i, o in enumerate(sorted(set().union(*recips.values())))}
    labels = sorted(recips)
    masks = [sum(bit[o] for o in recips[a]) for a in labels]
    sizes = [len(recips[a]) for a in labels]
    heap: list[tuple] = []  # the best `limit` rows, worst on top (keys negated)
    total = 0
    for i, ma in enumerate(masks):
        na, a = sizes[i], labels[i]
        for j in range(i + 1, len(masks)):
            inter = (ma & masks[j]).bit_count()
            if not inter:
                continue
            total += 1
            jac = round(inter / (na + sizes[j] - inter), 3)
            key = (jac, inter, _Desc(a), _Desc(labels[j]))
            if len(heap) < limit:
                heapq.heappush(heap, key)
            elif key > heap[0]:
                heapq.heapreplace(heap, key)
    heap.sort(reverse=True)
    return total, [{"a": a.s, "b": b.s, "shared": sorted(recips[a.s] & recips[b.s]), "jaccard": jac}
                   for jac, _, a, b in heap]


class _Desc:
    """A string that sorts backwards (for a max-heap on names ascending)."""
    __slots__ = ("s",)

    def __init__(self, s: str):
        self.s = s

    def __lt__(self, other: "_Desc") -> bool:
        return self.s > other.s

    def __gt__(self, other: "_Desc") -> bool:
        return self.s < other.s

    def __eq__(self, other) -> bool:
        return self.s == other.s


# -- HTML ---------------------------------------------------------------------------------------

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(obj) -> str:
    """JSON safe to put inside a <script> element: no '<', '>', '&', U+2028 or U+2029 left."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def _script_safe(js: str) -> str:
    """Code that cannot close or confuse its inline <script> element."""
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    return js.replace("<!--", "<\\!--")


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def vis_network_js() -> str:
    """The vis-network standalone build bundled with pyvis."""
    import pyvis
    path = os.path.join(os.path.dirname(pyvis.__file__), *_VIS_REL)
    if not os.path.exists(path):  # another pyvis release: take whichever vis-network it ships
        lib = os.path.join(os.path.dirname(pyvis.__file__), "templates", "lib")
        found = sorted(d for d in os.listdir(lib) if d.startswith("vis-")
                       and os.path.exists(os.path.join(lib, d, "vis-network.min.js")))
        if not found:
            raise FileNotFoundError("pyvis ships no vis-network.min.js")
        path = os.path.join(lib, found[-1], "vis-network.min.js")
    with open(path, encoding="utf-8") as fh:
        return fh.read()


_vis_cache: str | None = None


def _hash(js: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii") + "'"


#: Stands for the page's own size in bytes until it is known (same length as the number that replaces it).
_BYTES_MARK = "#pageBytes#"


def render_model(model: dict) -> str:
    """The page for a model from ``build_model``; ``meta.pageBytes`` is the file's size in UTF-8."""
    global _vis_cache
    if _vis_cache is None:
        _vis_cache = _script_safe(vis_network_js())
    vis = _vis_cache
    app = _script_safe(_asset("viz.js"))
    css = _asset("viz.css").replace("</", "<\\/")
    csp = ("default-src 'none'; script-src " + _hash(vis) + " " + _hash(app)
           + "; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
           "form-action 'none'; base-uri 'none'")
    data = json_for_script({**model, "meta": {**model["meta"], "pageBytes": _BYTES_MARK}})
    parts = {"CSP": csp, "CSS": css, "VIS": vis, "APP": app, "DATA": data}
    # one pass, so that nothing inserted is scanned for placeholders again
    html = re.sub(r"@@(CSP|CSS|VIS|APP|DATA)@@", lambda m: parts[m.group(1)], _asset("viz.html"))
    size = str(len(html.encode("utf-8"))).rjust(len(_BYTES_MARK))  # the meta block comes first in the page
    return html.replace(_BYTES_MARK, size, 1)
