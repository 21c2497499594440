"""The SPARQL 1.1 Protocol and Graph Store Protocol over HTTP (standard library only).

Answers come back as pyoxigraph objects, exactly what the embedded store returns:
``QuerySolutions`` / ``QueryBoolean`` for SELECT / ASK, a list of ``Triple`` for
CONSTRUCT / DESCRIBE.  Blank-node ids that are not valid RDF labels (Virtuoso's
``nodeID://b10007``) are rewritten to valid, stable labels before parsing.
"""
from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox

from .store import StoreError

RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
TRIPLES_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RDF_TYPES = {"text/plain": ox.RdfFormat.N_TRIPLES, "text/ntriples": ox.RdfFormat.N_TRIPLES,
              "text/rdf+n3": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE}


class EndpointError(StoreError, OSError):
    """The endpoint could not be reached or refused a request; the message is one line."""


@dataclass
class Endpoint:
    """Where a SPARQL server answers and how to log in (``auth``: basic or digest)."""
    query_url: str
    update_url: str | None = None       # default: query_url (Virtuoso, Neptune, Fuseki's dataset URL)
    gsp_url: str | None = None          # Graph Store Protocol; when set, graphs are loaded by PUT
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    timeout: float = 600.0

    def __post_init__(self):
        self.update_url = self.update_url or self.query_url
        if self.auth not in ("basic", "digest"):
            raise StoreError(f"unknown authentication {self.auth!r} (basic or digest)")


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (the first keyword after the prologue)."""
    body = re.sub(r"(?m)#[^\n<>\"']*$", "", sparql)
    body = re.sub(r"(?is)\b(PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)", " ", body)
    m = re.search(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body)
    return m.group(1).upper() if m else "SELECT"


def first_line(text: str, limit: int = 300) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""


def _bnode_label(value: str) -> str:
    label = re.sub(r"[^A-Za-z0-9_]", "_", value)
    return label if label[:1].isalpha() or label[:1] == "_" else "b" + label


def parse_results(data: bytes, content_type: str):
    """SELECT/ASK results (SPARQL JSON or XML) as pyoxigraph QuerySolutions / QueryBoolean."""
    if "xml" in content_type:
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.XML)
    if b'"bnode"' in data:
        doc = json.loads(data)
        for binding in doc.get("results", {}).get("bindings", []):
            for term in binding.values():
                if term.get("type") == "bnode":
                    term["value"] = _bnode_label(term["value"])
        data = json.dumps(doc).encode("utf-8")
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)


def parse_triples(data: bytes, content_type: str) -> list[ox.Triple]:
    fmt = _RDF_TYPES.get(content_type) or ox.RdfFormat.from_media_type(content_type) or ox.RdfFormat.TURTLE
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=fmt)]


class SparqlClient:
    """Sends queries, updates and Graph Store Protocol requests to one endpoint."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self._digest = _Digest(endpoint) if endpoint.user and endpoint.auth == "digest" else None
        self._opener = urllib.request.build_opener()
        self.server: str | None = None      # the Server header of the last answer

    def is_virtuoso(self) -> bool:
        """True when the endpoint is OpenLink Virtuoso (it names itself in the Server header)."""
        if self.server is None:
            self.query("ASK { }")
        return "virtuoso" in (self.server or "").lower()

    # -- the three kinds of request -------------------------------------------------------
    def query(self, sparql: str):
        """Run a query: QuerySolutions / QueryBoolean, or a list of Triples for CONSTRUCT / DESCRIBE."""
        graph_form = query_form(sparql) in ("CONSTRUCT", "DESCRIBE")
        accept = TRIPLES_ACCEPT if graph_form else f"{RESULTS_JSON}, {RESULTS_XML};q=0.9"
        ctype, data = self._post(self.endpoint.query_url, {"query": sparql}, accept, is_query=True)
        try:
            return parse_triples(data, ctype) if graph_form else parse_results(data, ctype)
        except (SyntaxError, ValueError) as exc:
            raise EndpointError(f"{self.endpoint.query_url}: unreadable answer ({ctype}): "
                                f"{first_line(str(exc))}") from None

    def update(self, sparql: str) -> None:
        self._post(self.endpoint.update_url, {"update": sparql}, "*/*")

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one named graph (Graph Store Protocol PUT; N-Triples sent as Turtle)."""
        url = self._gsp(graph)
        self._send(urllib.request.Request(url, data=ntriples, method="PUT",
                                          headers={"Content-Type": "text/turtle; charset=utf-8"}))

    def post_graph(self, graph: str, ntriples: bytes) -> None:
        """Add triples to one named graph (Graph Store Protocol POST; N-Triples sent as Turtle)."""
        url = self._gsp(graph)
        self._send(urllib.request.Request(url, data=ntriples, method="POST",
                                          headers={"Content-Type": "text/turtle; charset=utf-8"}))

    # -- plumbing -------------------------------------------------------------------------
    def _gsp(self, graph: str) -> str:
        sep = "&" if "?" in self.endpoint.gsp_url else "?"
        return self.endpoint.gsp_url + sep + urllib.parse.urlencode({"graph": graph})

    def _post(self, url: str, form: dict, accept: str, is_query: bool = False) -> tuple[str, bytes]:
        data = urllib.parse.urlencode(form).encode("ascii")
        req = urllib.request.Request(url, data=data, method="POST", headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        return self._send(req, is_query)

    def _send(self, req: urllib.request.Request, is_query: bool = False, retry: bool = True) -> tuple[str, bytes]:
        e = self.endpoint
        if e.user and e.auth == "basic":
            token = base64.b64encode(f"{e.user}:{e.password or ''}".encode("utf-8")).decode("ascii")
            req.add_unredirected_header("Authorization", "Basic " + token)
        elif self._digest:
            self._digest.authorize(req, self._opener)
        url = req.full_url.split("?")[0]
        try:
            with self._opener.open(req, timeout=e.timeout) as resp:
                self.server = resp.headers.get("Server", "")
                if is_query and resp.headers.get("X-SPARQL-MaxRows"):
                    raise EndpointError(f"{url}: the server cut the answer at {resp.headers['X-SPARQL-MaxRows']} rows "
                                        "(raise ResultSetMaxRows in virtuoso.ini, [SPARQL] section)")
                return resp.headers.get_content_type(), resp.read()
        except EndpointError:
            raise
        except urllib.error.HTTPError as exc:
            if exc.code == 401 and self._digest and retry:      # a stale nonce: ask for a new one, once
                self._digest.forget(req)
                return self._send(req, is_query, retry=False)
            raise _http_error(url, exc, is_query) from None
        except (urllib.error.URLError, OSError) as exc:
            if self._digest and retry:    # a server may close the connection on a large unauthorised body
                self._digest.forget(req)
                return self._send(req, is_query, retry=False)
            reason = getattr(exc, "reason", exc)
            raise EndpointError(f"{url}: cannot reach the SPARQL endpoint ({reason})") from None


def _http_error(url: str, exc: urllib.error.HTTPError, is_query: bool) -> Exception:
    """A one-line error for an HTTP error answer (a query the server cannot parse: SyntaxError)."""
    body = exc.read().decode("utf-8", "replace")
    msg = first_line(body) or exc.reason
    if exc.code in (401, 403):
        return EndpointError(f"{url}: not authorised (HTTP {exc.code}); check the user and password "
                             "(POLICYKG_SPARQL_USER, POLICYKG_SPARQL_PASSWORD, POLICYKG_SPARQL_AUTH)")
    if is_query and exc.code == 400:
        return SyntaxError(msg)
    if "permission" in msg.lower() or "SR186" in msg:
        msg += " (the endpoint does not allow updates: grant SPARQL_UPDATE or use an authenticated URL)"
    return EndpointError(f"{url}: HTTP {exc.code}: {msg}")


class _Digest:
    """HTTP digest authentication sent with each request once the server's challenge is known
    (asked for by a bodiless GET), so a large body never goes out unauthenticated first."""

    def __init__(self, endpoint: Endpoint):
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in {endpoint.query_url, endpoint.update_url, endpoint.gsp_url} - {None}:
            mgr.add_password(None, url, endpoint.user, endpoint.password or "")
        self.handler = urllib.request.HTTPDigestAuthHandler(mgr)
        self.challenges: dict[str, dict | None] = {}

    def authorize(self, req: urllib.request.Request, opener) -> None:
        base = req.full_url.split("?")[0]
        if base not in self.challenges:
            self.challenges[base] = self._challenge(base, opener)
        chal = self.challenges[base]
        if chal:
            auth = self.handler.get_authorization(req, chal)
            if auth:
                req.add_unredirected_header("Authorization", "Digest " + auth)

    def forget(self, req: urllib.request.Request) -> None:
        self.challenges.pop(req.full_url.split("?")[0], None)
        req.remove_header("Authorization")

    @staticmethod
    def _challenge(url: str, opener) -> dict | None:
        try:
            opener.open(urllib.request.Request(url, method="GET"), timeout=60).close()
        except urllib.error.HTTPError as exc:
            header = exc.headers.get("WWW-Authenticate", "")
            if exc.code == 401 and header.lower().startswith("digest "):
                return urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[7:]))
        except OSError:
            pass
        return None
