"""Build a store from policy files: walk folders, read a manifest, extract, store.

>>> from policykg.build import build          # doctest: +SKIP
>>> report = build(["examples/policies"], "out/store", manifest="examples/policies/manifest.csv")  # doctest: +SKIP
>>> report.stored, report.failed                # doctest: +SKIP
(5, [])
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from .extract import ReadError, extract_file
from .extract.model import PolicyResult
from .graph.store import Store

POLICY_EXTENSIONS = (".txt", ".html", ".htm", ".md", ".markdown", ".xhtml")


@dataclass
class Failure:
    path: str
    reason: str


@dataclass
class BuildReport:
    stored: int = 0
    skipped: int = 0              # unchanged since the last build
    failed: list[Failure] = field(default_factory=list)
    flows: int = 0
    recipients: set = field(default_factory=set)
    controllers: list[str] = field(default_factory=list)


@dataclass
class ManifestEntry:
    language: str | None = None
    controller: str | None = None
    country: str | None = None


def read_manifest(path: str) -> dict[str, ManifestEntry]:
    """A CSV with columns file, language, controller, country (blank cells: detect from the text)."""
    out = {}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise ValueError(f"{path}: a manifest needs a 'file' column")
        for row in reader:
            f = (row.get("file") or "").strip()
            if f:
                out[f] = ManifestEntry(language=(row.get("language") or "").strip() or None,
                                       controller=(row.get("controller") or "").strip() or None,
                                       country=(row.get("country") or "").strip().upper() or None)
    return out


def iter_policy_files(paths: Iterable[str], on_error: Callable[[Failure], None] | None = None) -> Iterator[str]:
    """Policy files under the given paths (folders are walked, symlink loops avoided), sorted."""
    for p in paths:
        if os.path.isdir(p):
            seen = set()
            for root, dirs, files in os.walk(p, followlinks=True):
                real = os.path.realpath(root)
                if real in seen:
                    dirs[:] = []
                    continue
                seen.add(real)
                dirs.sort()
                for f in sorted(files):
                    if f.lower().endswith(POLICY_EXTENSIONS) and not f.startswith("."):
                        yield os.path.join(root, f)
        else:
            yield p


def manifest_for(path: str, manifest: dict[str, ManifestEntry] | None) -> ManifestEntry:
    if not manifest:
        return ManifestEntry()
    return manifest.get(os.path.basename(path)) or manifest.get(path) or ManifestEntry()


def extract_one(path: str, entry: ManifestEntry, max_bytes: int | None = None) -> PolicyResult:
    kw = {"max_bytes": max_bytes} if max_bytes else {}
    result = extract_file(path, controller=entry.controller, language=entry.language, **kw)
    if entry.country:
        result.controller.country = entry.country
    return result


def build(paths: Iterable[str], store: str | Store, manifest: str | dict | None = None, force: bool = False,
          progress: Callable[[str], None] | None = None, max_bytes: int | None = None) -> BuildReport:
    """Extract every policy under ``paths`` and store each in its own named graph."""
    st = store if isinstance(store, Store) else Store(store)
    st.ensure_vocabulary()
    man = read_manifest(manifest) if isinstance(manifest, str) else manifest
    report = BuildReport()
    try:
        for path in iter_policy_files(paths):
            try:
                result = extract_one(path, manifest_for(path, man), max_bytes)
            except ReadError as exc:
                report.failed.append(Failure(path, str(exc)))
            else:
                from .graph.rdf import policy_iri
                if not force and st.has_hash(result.text_sha256, policy_iri(result.source)):
                    report.skipped += 1
                else:
                    st.add_result(result)
                    report.stored += 1
                report.flows += len(result.flows)
                report.recipients.update(f.recipient.organization for f in result.flows if f.recipient.organization)
                report.controllers.append(result.controller.name)
            if progress:
                progress(path)
    finally:
        st.flush()
    return report
