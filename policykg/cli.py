"""The policykg command line: parses options, calls the library, prints."""
from __future__ import annotations

import json
import re
import os
import sys

import click

DEFAULT_STORE = "policykg-store"


def _err(msg: str) -> None:
    click.echo(f"policykg: error: {msg}", err=True)


class Failed(click.ClickException):
    """An error already explained in one line; exits with status 1."""
    exit_code = 1

    def show(self, file=None):
        _err(self.message)


#: SPARQL endpoint options of every command with --store: option -> open_store() argument
_ENDPOINT_OPTS = {
    "--query-url": ("query_url", "SPARQL endpoint to use instead of --store."),
    "--update-url": ("update_url", "SPARQL Update endpoint (default: the query URL)."),
    "--gsp-url": ("gsp_url", "Graph Store Protocol endpoint: graphs are loaded by PUT."),
    "--sparql-user": ("user", "Endpoint user (or POLICYKG_SPARQL_USER)."),
    "--sparql-password": ("password", "Endpoint password (better: POLICYKG_SPARQL_PASSWORD)."),
    "--sparql-auth": ("auth", "basic or digest (or POLICYKG_SPARQL_AUTH; default basic)."),
}


def _remember_endpoint_opt(ctx, param, value):
    if value is not None:
        ctx.meta["policykg.endpoint." + _ENDPOINT_OPTS[param.opts[0]][0]] = value


def _store_opt(f):
    for opt, (_, text) in reversed(_ENDPOINT_OPTS.items()):
        kind = click.Choice(["basic", "digest"]) if opt == "--sparql-auth" else None
        f = click.option(opt, type=kind, metavar="URL" if opt.endswith("-url") else None, expose_value=False,
                         callback=_remember_endpoint_opt, help=text)(f)
    return click.option("--store", "store", default=DEFAULT_STORE, show_default=True, metavar="DIR|URL",
                        help="Store folder, or a SPARQL endpoint: sparql+http(s)://host:port/path.")(f)


def _open_store(path: str, read_only: bool = True):
    from .graph.store import StoreError
    from .graph.stores import open_store
    prefix = "policykg.endpoint."
    opts = {k[len(prefix):]: v for k, v in click.get_current_context().meta.items() if k.startswith(prefix)}
    try:
        return open_store(None if opts.get("query_url") else path, read_only=read_only, **opts)
    except StoreError as exc:
        raise Failed(str(exc)) from None


class _RateBar:
    """A progress bar on stderr showing the count, policies per second and the time left."""

    def __init__(self, total: int):
        import time
        self._clock, self._start, self._end = time.monotonic, time.monotonic(), None
        self.bar = click.progressbar(length=total, label="Building", show_eta=True, show_pos=True,
                                     file=sys.stderr, item_show_func=self._rate)

    def _rate(self, _item) -> str | None:
        secs = (self._end or self._clock()) - self._start
        return f"{self.bar.pos / secs:.1f} policies/s" if self.bar.pos and secs > 0 else None

    def update(self, _outcome) -> None:
        self.bar.update(1, current_item=_outcome)

    def stage(self, what: str) -> None:
        """Say what the build does after the last file (``build``'s ``stage``): the bar's label
        (the rate shown stays that of the files)."""
        self._end = self._end or self._clock()
        self.bar.label = what.capitalize()
        self.bar.render_progress()

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)


def _progress_bar(total: int, quiet: bool):
    """A ``_RateBar`` when stderr is a terminal and not ``quiet``, else a context giving None."""
    import contextlib
    if quiet or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    return _RateBar(total)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policykg")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.pass_context
def main(ctx, debug):
    """Turn privacy policies into a knowledge graph of data flows (DPV/RDF)."""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--controller", help="The controller's name, for a policy that names none.")
@click.option("--format", "fmt", type=click.Choice(["json", "ttl", "jsonld", "nt"]), default="json", show_default=True)
@click.option("--max-bytes", type=int, default=10 * 1024 * 1024, show_default=True, help="Skip larger files.")
def extract(paths, controller, fmt, max_bytes):
    """Extract flows from policy files and print them (folders are walked)."""
    from .extract import ReadError, extract_file
    files, failed = _policy_files(paths)
    results = []
    for path in files:
        try:
            results.append(extract_file(path, controller=controller, max_bytes=max_bytes))
        except ReadError as exc:
            _err(f"{path}: {exc}")
            failed += 1
        except Exception as exc:  # noqa: BLE001 - one policy's bug must not stop the batch
            if click.get_current_context().obj.get("debug"):
                raise
            _err(f"{path}: internal error: {type(exc).__name__}: {_first_line(exc)}")
            failed += 1
    if fmt == "json":
        click.echo(json.dumps({"policies": [r.to_dict() for r in results]}, ensure_ascii=False, indent=1))
    else:
        from .graph.serialize import results_to_rdf
        sys.stdout.flush()
        click.echo(results_to_rdf(results, fmt), nl=False)
    if failed:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_store_opt
@click.option("--manifest", type=click.Path(dir_okay=False), help="CSV: file, language, controller.")
@click.option("--force", is_flag=True, help="Re-extract policies whose text is unchanged.")
@click.option("--max-bytes", type=int, default=10 * 1024 * 1024, show_default=True, help="Skip larger files.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores; 1: no workers).")
@click.option("--batch", type=click.IntRange(min=1),
              help="Most policies written to the store at once (default 1600; fewer: less memory, a slower build).")
@click.option("--compact/--no-compact", default=None,
              help="Merge the store's files at the end, for faster queries (default: after 1000 or more policies).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (there is none when stderr is not a terminal).")
@click.option("--dask", "dask_address", metavar="ADDRESS", help="Extract on a Dask cluster (tcp://scheduler:8786).")
def build(paths, store, manifest, force, max_bytes, jobs, batch, compact, quiet, dask_address):
    """Extract policies and store each as a named graph."""
    from .build import build as run_build, read_manifest
    man = None
    if manifest:
        try:
            man = read_manifest(manifest)
        except (OSError, ValueError) as exc:
            raise click.UsageError(f"--manifest: {exc}") from None
    files, empty = _policy_files(paths)
    st = _open_store(store, read_only=False)
    with _progress_bar(len(files), quiet) as bar:
        opts = dict(manifest=man, force=force, max_bytes=max_bytes, progress=bar.update if bar else None,
                    stage=bar.stage if bar else None, compact=compact, **({"batch_policies": batch} if batch else {}))
        report = (_build_on_dask(files, st, dask_address, opts) if dask_address
                  else run_build(files, st, jobs=jobs, **opts))
    n_pol = st.count_policies()
    st.close()
    for f in report.failed:
        _err(f"{f.path}: {f.reason}")
    click.echo(f"stored {report.stored} policies ({report.skipped} unchanged, {len(report.failed)} failed) in {store}: "
               f"{report.flows} flows to {len(report.recipients)} named organisations; the store holds {n_pol} policies"
               + (f" (compacted in {report.compacted:.1f} s)" if report.compacted is not None else ""))
    if report.failed or empty:
        sys.exit(1)


def _build_on_dask(files, st, address, opts):
    from .distributed import DaskError, build_on_dask
    try:
        return build_on_dask(files, st, address, **opts)
    except DaskError as exc:
        raise Failed(str(exc)) from None


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else ""


def _policy_files(paths) -> tuple[list[str], int]:
    """The policy files under ``paths`` (folders walked) and how many folders held none (each told in one line)."""
    from .build import POLICY_EXTENSIONS, iter_policy_files
    files, empty = [], 0
    for p in paths:
        got = list(iter_policy_files([p]))
        if not got and os.path.isdir(p):
            _err(f"{p}: no policy files ({' '.join(POLICY_EXTENSIONS)}) in this folder")
            empty += 1
        files += got
    return files, empty


@main.command()
@click.argument("sparql", required=False)
@_store_opt
@click.option("--file", "qfile", type=click.Path(dir_okay=False), help="Read the query from a .rq file.")
@click.option("--named", help="Run a named query (see 'policykg queries').")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query variable (a whole number binds as a number).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--update", is_flag=True, help="Allow a SPARQL UPDATE.")
def query(sparql, store, qfile, named, params, fmt, update):
    """Run a SPARQL query over every policy in the store."""
    from .graph import queries as q
    given = [x for x in (sparql, qfile, named) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of SPARQL, --file or --named")
    if qfile:
        try:
            with open(qfile, encoding="utf-8") as fh:
                sparql = fh.read()
        except OSError as exc:
            raise click.UsageError(f"--file: {qfile}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise Failed(f"{qfile}: not a UTF-8 text file") from None
    elif named:
        try:
            sparql = q.get(named)
        except q.QueryError as exc:
            raise click.UsageError(str(exc)) from None
    bindings = {}
    for p in params:
        if "=" not in p:
            raise click.UsageError(f"--param {p!r}: expected NAME=VALUE")
        k, v = p.split("=", 1)
        bindings[k.strip().lstrip("?$")] = int(v) if re.fullmatch(r"-?\d+", v.strip()) else v
    is_upd = q.is_update(sparql)
    if is_upd and not update:
        raise Failed("this is a SPARQL UPDATE; the store is opened read-only (add --update to change it)")
    st = _open_store(store, read_only=not is_upd)
    try:
        if is_upd:
            st.update(sparql)
            click.echo("update done")
            return
        res = st.query(sparql, bindings or None)
        _print_results(res, fmt)
    except SyntaxError as exc:
        raise Failed(f"query syntax: {str(exc).splitlines()[0]}") from None
    except OSError as exc:
        raise Failed(f"query failed: {str(exc).splitlines()[0]}") from None
    finally:
        st.close()


def _print_results(res, fmt: str) -> None:
    import pyoxigraph as ox
    from .graph.queries import rows
    if fmt == "json" and isinstance(res, ox.QuerySolutions):
        click.echo(res.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8"), nl=False)
        return
    if fmt == "csv" and not isinstance(res, ox.QueryBoolean):
        from .graph.export import csv_text   # cells a spreadsheet would run as formulas are neutralised
        names, rs = rows(res)
        click.echo(csv_text(rs, names), nl=False)
        return
    if fmt in ("json", "csv") and isinstance(res, ox.QueryBoolean):
        click.echo(json.dumps({"head": {}, "boolean": bool(res)}) if fmt == "json" else str(bool(res)).lower())
        return
    names, rs = rows(bool(res) if isinstance(res, ox.QueryBoolean) else res)
    _print_table(names, rs)


def _print_table(names: list[str], rs: list[dict]) -> None:
    def cell(v):
        s = "" if v is None else str(v)
        s = s.replace("\n", " ")
        return s if len(s) <= 100 else s[:97] + "..."
    widths = {n: max([len(n)] + [len(cell(r[n])) for r in rs]) for n in names}
    click.echo("  ".join(n.ljust(widths[n]) for n in names).rstrip())
    click.echo("  ".join("-" * widths[n] for n in names))
    for r in rs:
        click.echo("  ".join(cell(r[n]).ljust(widths[n]) for n in names).rstrip())
    click.echo(f"({len(rs)} rows)")


@main.command("eval")
@click.argument("paths", nargs=-1, required=True)
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False), help="Gold file (JSON).")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), help="CSV: file, language, controller.")
@click.option("--min-p", type=float, default=0.0, help="Fail (exit 1) below this recipient precision.")
@click.option("--min-r", type=float, default=0.0, help="Fail below this recipient recall.")
@click.option("--min-data-r", type=float, default=0.0, help="Fail below this data-to-recipient recall.")
@click.option("--min-collected-r", type=float, default=0.0, help="Fail below this collected-data recall.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def evaluate(paths, gold, manifest, min_p, min_r, min_data_r, min_collected_r, fmt):
    """Score extraction on policy files against a gold file: P/R per policy and overall, every miss named."""
    from .evaluate import evaluate as run, report_lines
    try:
        sc = run(list(paths), gold, manifest=manifest)
    except (OSError, ValueError, KeyError) as exc:
        raise Failed(f"{gold}: not a gold file ({exc})") from None
    if fmt == "json":
        click.echo(json.dumps(sc.to_dict(), ensure_ascii=False, indent=1))
    else:
        for line in report_lines(sc):
            click.echo(line)
    if (sc.precision < min_p or sc.recall < min_r or sc.data_recall < min_data_r
            or sc.collected_recall < min_collected_r):
        raise Failed("below the thresholds: " + sc.summary())


@main.command("queries")
def list_queries():
    """List the named queries."""
    from .graph import queries as q
    for name in q.named():
        click.echo(f"{name:16} {q.describe(name)}")


@main.command()
@_store_opt
@click.option("--min-controllers", type=click.IntRange(1), default=2, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def overlap(store, min_controllers, fmt):
    """Recipient organisations that several companies share, most-shared first."""
    from .graph.analytics import overlap as run
    st = _open_store(store)
    rs = run(st, min_controllers)
    st.close()
    if fmt == "json":
        click.echo(json.dumps(rs, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        from .graph.export import csv_text
        click.echo(csv_text([{**r, "controllers": "; ".join(r["controllers"]), "data": "; ".join(r["data"])} for r in rs],
                            ["organization", "category", "controllers", "data"]), nl=False)
    else:
        _print_table(["organization", "category", "companies", "controllers", "data"],
                     [{**r, "companies": len(r["controllers"]), "controllers": ", ".join(r["controllers"]),
                       "data": ", ".join(r["data"])} for r in rs])


@main.command()
@_store_opt
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write.")
@click.option("--hide-unnamed", is_flag=True,
              help="Open with unnamed recipients (law enforcement, advertisers) hidden; a checkbox shows them.")
def viz(store, output, hide_unnamed):
    """Write the interactive cross-company page (one self-contained HTML file)."""
    from .graph.viz import write_page
    st = _open_store(store)
    try:
        info = write_page(st, output, show_unnamed=not hide_unnamed)
    except OSError as exc:
        raise Failed(f"{output}: {exc.strerror or exc}") from None
    finally:
        st.close()
    click.echo(f"wrote {output}: {info['companies']} companies, {info['recipients']} recipients, "
               f"{info['bytes'] / 1024:.0f} KiB")


@main.command()
@_store_opt
@click.option("--format", "fmt", required=True,
              type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf", "csv"]))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def export(store, fmt, output):
    """Export the store: RDF, GraphML/GEXF, or a CSV of flows."""
    from .graph.export import export as run
    st = _open_store(store)
    try:
        run(st, fmt, output)
    except OSError as exc:
        raise Failed(f"{output}: {exc.strerror or exc}") from None
    finally:
        st.close()
    click.echo(f"wrote {output} ({os.path.getsize(output) / 1024:.0f} KiB, {fmt})")


def run() -> None:
    """Entry point that turns any unexpected error into one line (``--debug`` shows the traceback)."""
    debug = "--debug" in sys.argv[1:]
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one place that turns bugs into one line
        if debug:
            raise
        _err(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        sys.exit(1)
