"""How the overlap page copes with many companies: file size, and time to lay out in Chromium.

Builds flow rows of the shape ``policykg.graph.analytics.flows`` returns for N synthetic
companies whose recipients are real organisations of the registry (popularity Zipf-like, so
that Google or Stripe are shared by hundreds of companies and most others by a few), with
unnamed recipients, data categories and purposes from policykg's taxonomies, and evidence
sentences.  For each N it renders the page (``policykg.graph.viz.render``), opens it from
file:// in headless Chromium with the network blocked, and reads the page's own timings
(``window.policykg.timing``: milliseconds from the page script's start to the end of
vis-network's stabilisation, ``stabilizationIterationsDone``), then times a filter and a search.

    .venv/bin/python bench/viz_scale.py            # 100, 300 and 1000 companies
    .venv/bin/python bench/viz_scale.py 1000 2000  # other sizes
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time

from policykg.extract.lexicon import load
from policykg.graph import viz

CHROMIUM = "/usr/bin/chromium"
COUNTRIES = ["JP"] * 6 + ["US"] * 2 + ["DE", "FR", "GB", "SG", "CN", "KR"]
ACTIONS = ["share"] * 5 + ["entrust"] * 4 + ["provide-to-third-party", "joint-use", "transfer"]
UNNAMED = ["service-provider", "advertising", "government", "group", "analytics", "payment"]
SYLLABLES = ["ka", "zen", "mi", "to", "ra", "shi", "no", "ya", "ku", "mo", "na", "ri", "ta", "ho", "su"]
SUFFIXES = ["Co., Ltd.", "K.K.", "Inc.", "Corporation", "GmbH", "Ltd", "LLC"]


def synthetic_flows(companies: int, seed: int = 1) -> list[dict]:
    """Flow rows for ``companies`` companies, deterministic for a seed."""
    rnd = random.Random(seed)
    lex = load()
    reg = lex.registry
    orgs = [o for o in reg.orgs.values() if o.role == "recipient"]
    rnd.shuffle(orgs)
    orgs.sort(key=lambda o: o.id not in {"google-analytics", "google", "facebook", "stripe", "paypal", "amazon-web-services",
                                         "microsoft-azure", "salesforce", "zendesk", "dhl", "sendgrid", "twitter"})
    weights = [1 / (i + 1) ** 0.9 for i in range(len(orgs))]
    data = sorted(c.label_en for c in lex.data.values())
    purposes = sorted(c.label_en for c in lex.purposes.values())
    unnamed = {code: lex.recipient_cats[code].label_en for code in UNNAMED if code in lex.recipient_cats}
    rows, n = [], 0
    for c in range(companies):
        name = "".join(rnd.choice(SYLLABLES) for _ in range(3)).title() + f" {c:04d} " + rnd.choice(SUFFIXES)
        slug = re.sub(r"\W+", "-", name.lower()).strip("-")
        country = rnd.choice(COUNTRIES)
        source = f"policies/{slug}.en.txt"
        offset = rnd.randrange(500, 3000)
        k = max(2, min(30, int(rnd.lognormvariate(1.9, 0.5))))
        picked = {o.id: o for o in rnd.choices(orgs, weights, k=k)}
        recipients = [(o.name, reg.top(o.id), o.category, o.country) for o in picked.values()]
        recipients += [(unnamed[u], None, u, None) for u in rnd.sample(sorted(unnamed), rnd.choice([0, 1, 1, 2, 3]))]
        for label, top, category, rcountry in recipients:
            n += 1
            ds = rnd.sample(data, rnd.choice([1, 1, 2, 3, 4]))
            ps = rnd.sample(purposes, rnd.choice([0, 1, 1, 2]))
            evidence = []
            for _ in range(rnd.choice([1, 1, 2])):
                text = f"We {rnd.choice(['share', 'provide', 'disclose'])} your {', '.join(ds).lower()} with {label}" \
                       f" for {(ps[0] if ps else 'the purposes described in this policy').lower()}."
                evidence.append({"text": text, "start": offset, "end": offset + len(text)})
                offset += len(text) + rnd.randrange(20, 400)
            rows.append({
                "flow": f"https://w3id.org/policykg/id/flow/{slug}/{n}",
                "policy": f"https://w3id.org/policykg/id/policy/{slug}", "source": source,
                "controller": f"https://w3id.org/policykg/id/org/{slug}", "controllerLabel": name,
                "controllerCountry": country,
                "recipient": f"https://w3id.org/policykg/id/org/{slug}/{n}", "recipientLabel": label,
                "top": f"https://w3id.org/policykg/id/org/{top.id}" if top else None,
                "organization": top.name if top else None, "category": category,
                "recipientCountry": rcountry,
                "action": "disclose-to-authorities" if category == "government" else rnd.choice(ACTIONS),
                "crossBorder": bool(rcountry and rcountry != country), "data": ds, "purposes": ps, "evidence": evidence})
    return rows


def measure(companies: int, out_dir: str, browser) -> dict:
    rows = synthetic_flows(companies)
    t = time.perf_counter()
    html = viz.render(rows)
    render_s = time.perf_counter() - t
    path = os.path.join(out_dir, f"viz-{companies}.html")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(html)
    ctx = browser.new_context(viewport={"width": 1500, "height": 900})
    external, errors = [], []
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
              else (external.append(r.request.url), r.abort()))
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    t = time.perf_counter()
    page.goto("file://" + os.path.abspath(path))
    while not page.evaluate("!!(window.policykg && window.policykg.ready)"):
        if time.perf_counter() - t > 300:
            raise SystemExit(f"{companies} companies: the page did not settle in 300 s")
        page.wait_for_timeout(20)
    ready_s = time.perf_counter() - t
    timing = page.evaluate("window.policykg.timing")
    meta = page.evaluate("window.policykg.data.meta")
    t = time.perf_counter()
    page.uncheck("#legend input[data-cat=advertising]")
    page.evaluate("0")
    filter_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    page.fill("#search", "stripe")
    page.press("#search", "Enter")
    page.evaluate("0")
    search_ms = (time.perf_counter() - t) * 1000
    ctx.close()
    return {"companies": meta["companies"], "recipients": meta["recipients"], "named": meta["named"],
            "edges": meta["edges"], "flows": meta["flows"], "bytes": len(html.encode("utf-8")),
            "pageBytes": int(meta["pageBytes"]), "render_s": render_s, "ready_s": ready_s,
            "layout_ms": timing.get("layout"), "settled_ms": timing.get("settled"), "parsed_ms": timing.get("parsed"),
            "iterations": timing.get("iterations"), "filter_ms": filter_ms, "search_ms": search_ms,
            "external": len(external), "errors": len(errors)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[100, 300, 1000], help="numbers of companies")
    ap.add_argument("--keep", metavar="DIR", help="keep the pages in DIR")
    args = ap.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"viz_scale: {CHROMIUM} is not installed (scripts/install-sysdeps.sh)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright
    out_dir = args.keep or tempfile.mkdtemp(prefix="policykg-viz-")
    os.makedirs(out_dir, exist_ok=True)
    cols = ["companies", "recipients", "edges", "flows", "KiB", "render s", "load→settled s", "layout ms",
            "iterations", "filter ms", "search ms", "external", "JS errors"]
    print(" | ".join(cols))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for n in args.sizes:
            r = measure(n, out_dir, browser)
            assert r["bytes"] == r["pageBytes"], "the page reports a wrong size"
            print(" | ".join(str(x) for x in [
                r["companies"], f'{r["recipients"]} ({r["named"]} named)', r["edges"], r["flows"], r["bytes"] // 1024,
                f'{r["render_s"]:.2f}', f'{r["ready_s"]:.1f}', r["layout_ms"], r["iterations"], f'{r["filter_ms"]:.0f}',
                f'{r["search_ms"]:.0f}', r["external"], r["errors"]]), flush=True)
        browser.close()
    if args.keep:
        print(f"pages kept in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
