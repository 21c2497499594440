"""Open a store from one ``--store`` string: a folder (embedded Oxigraph) or a SPARQL endpoint.

- ``out/store``: the embedded on-disk store;
- ``sparql+http://host:8890/sparql`` (or ``sparql+https://``, or a plain ``http(s)://`` URL): a
  SPARQL 1.1 server; ``user:password@`` in the URL logs in.

Endpoint settings not given as arguments come from the environment: ``POLICYKG_SPARQL_USER``,
``POLICYKG_SPARQL_PASSWORD``, ``POLICYKG_SPARQL_AUTH`` (basic or digest),
``POLICYKG_SPARQL_UPDATE_URL``, ``POLICYKG_SPARQL_GSP_URL``.

>>> is_endpoint("sparql+http://127.0.0.1:8890/sparql"), is_endpoint("out/store")
(True, False)
>>> endpoint_url("sparql+https://dba:s%40cret@db.example.org/sparql")
('https://db.example.org/sparql', 'dba', 's@cret')
"""
from __future__ import annotations

import os
import urllib.parse

from .sparql_store import SparqlStore
from .store import Store

SCHEMES = ("sparql+http://", "sparql+https://", "http://", "https://")


def is_endpoint(spec: str | None) -> bool:
    return bool(spec) and spec.lower().startswith(SCHEMES)


def endpoint_url(spec: str) -> tuple[str, str | None, str | None]:
    """(plain http(s) URL, user, password) of an endpoint spec; credentials in the URL are taken out."""
    url = spec[len("sparql+"):] if spec.lower().startswith("sparql+") else spec
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    plain = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    unq = urllib.parse.unquote
    return plain, unq(parts.username) if parts.username else None, unq(parts.password) if parts.password else None


def open_store(spec: str | None = None, read_only: bool = False, *, query_url: str | None = None,
               update_url: str | None = None, gsp_url: str | None = None, user: str | None = None,
               password: str | None = None, auth: str | None = None):
    """A ``Store`` for a folder (``None``: in memory) or a ``SparqlStore`` for an endpoint.

    ``query_url`` (with ``update_url``, ``gsp_url``) names an endpoint without ``spec``.
    """
    if not (query_url or is_endpoint(spec)):
        return Store(spec, read_only=read_only)
    env = os.environ.get
    url, url_user, url_password = endpoint_url(query_url or spec)
    update_url = update_url or env("POLICYKG_SPARQL_UPDATE_URL")
    gsp_url = gsp_url or env("POLICYKG_SPARQL_GSP_URL")
    return SparqlStore(url, update_url=endpoint_url(update_url)[0] if update_url else None,
                       gsp_url=endpoint_url(gsp_url)[0] if gsp_url else None,
                       user=user or url_user or env("POLICYKG_SPARQL_USER"),
                       password=password or url_password or env("POLICYKG_SPARQL_PASSWORD"),
                       auth=(auth or env("POLICYKG_SPARQL_AUTH") or "basic").lower(), read_only=read_only)
