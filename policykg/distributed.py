"""Extraction on a Dask cluster: the workers extract, this process writes the store.

>>> from policykg.distributed import build_on_dask                      # doctest: +SKIP
>>> build_on_dask(["/data/policies"], "out/store", "tcp://scheduler:8786")  # doctest: +SKIP
BuildReport(stored=10000, ...)

Each worker reads the policy files itself, so they must be at the same path on every worker
(a shared file system) and the workers need policykg installed (``pip install policykg[dask]``).
Only the small results (each policy's N-Quads) travel back. ``address`` may also be a
``dask.distributed.LocalCluster`` or any object ``Client`` accepts.
"""
from __future__ import annotations

import os
from typing import Iterable

from .build import BuildReport, build, iter_policy_files


#: how long to wait for the scheduler
CONNECT_TIMEOUT = "30s"


class DaskError(Exception):
    """Dask is missing, the scheduler cannot be reached or the workers cannot see the files."""


def _client(address):
    try:
        from dask.distributed import Client
    except ImportError:
        raise DaskError("Dask is not installed (pip install 'policykg[dask]')") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DaskError(f"{address}: cannot reach the Dask scheduler ({str(exc).splitlines()[0]})") from None


def _unreadable(paths: list[str]) -> list[str]:
    """Run on a worker: the paths it cannot read, and its working folder."""
    return [p for p in paths if not os.access(p, os.R_OK)] + ["cwd:" + os.getcwd()]


def check_workers(client, files: list[str], sample: int = 20) -> None:
    """Fail early, in one line, when a worker cannot read the policy files where this process sees them."""
    relative = any(not os.path.isabs(f) for f in files)
    readable = [f for f in files if os.access(f, os.R_OK)][:sample]   # the others fail as in a local build
    for worker, answer in client.run(_unreadable, readable).items():
        missing, cwd = answer[:-1], answer[-1][4:]
        if missing:
            raise DaskError(f"worker {worker} cannot read {missing[0]}: the policy files must be at the same path "
                            "on every worker (a shared file system)")
        if relative and cwd != os.getcwd():
            raise DaskError(f"worker {worker} runs in {cwd}, not {os.getcwd()}: "
                            "give the policy folders as absolute paths")


def build_on_dask(paths: Iterable[str], store, address, **kwargs) -> BuildReport:
    """``policykg.build`` with extraction on the Dask cluster at ``address`` (e.g. tcp://scheduler:8786);
    ``kwargs`` as for ``build`` (manifest, force, progress, max_bytes, window)."""
    files = list(iter_policy_files(paths))
    client = _client(address)
    try:
        check_workers(client, files)
        threads = sum(client.nthreads().values()) or 1
        kwargs.setdefault("window", 4 * threads)
        kwargs.pop("jobs", None)
        return build(files, store, executor=client.get_executor(pure=False), jobs=threads, **kwargs)
    finally:
        client.close()
