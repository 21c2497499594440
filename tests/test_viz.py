"""The cross-company page (policykg.graph.viz): static checks on the HTML and, when headless
Chromium and Playwright are available, real-browser checks (no network, clicks, XSS)."""
from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path

import pytest

from policykg.graph import viz

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"


def flow(n, company, recipient, org, category, action="entrust", data=("usage data",), purposes=("analytics",),
         country="JP", rcountry="US", source=None, sentence=None, start=0):
    slug = re.sub(r"\W+", "-", company.lower()).strip("-") or "company"
    sentence = sentence or f"{company} shares {', '.join(data)} with {recipient}."
    return {"flow": f"https://example.org/flow/{n}", "policy": f"https://example.org/policy/{slug}",
            "source": source or f"examples/policies/{slug}.en.txt",
            "controller": f"https://example.org/org/{slug}", "controllerLabel": company, "controllerCountry": country,
            "recipient": f"https://example.org/recipient/{n}", "recipientLabel": recipient,
            "top": f"https://example.org/org/{org}" if org else None, "organization": org, "category": category,
            "recipientCountry": rcountry, "action": action, "crossBorder": bool(rcountry and rcountry != country),
            "data": list(data), "purposes": list(purposes),
            "evidence": [{"text": sentence, "start": start, "end": start + len(sentence)}]}


STRIPE_SENTENCE = "Payments are processed by Stripe, which receives your name, card number and billing address."

ROWS = [
    flow(1, "INAGORA Co., Ltd.", "Google Analytics", "Google", "analytics", data=("usage data", "device data"),
         sentence="Google Analytics is a web analytics tool from Google that helps us track website traffic.", start=5120),
    flow(2, "INAGORA Co., Ltd.", "Google Ads", "Google", "advertising", data=("usage data", "online identifiers"),
         purposes=("advertising",), sentence="Our Google Ads remarketing services are provided by Google Inc.", start=5480),
    flow(3, "INAGORA Co., Ltd.", "Stripe", "Stripe", "payment", action="share",
         data=("contact data", "payment data", "name"), purposes=("payment processing",), sentence=STRIPE_SENTENCE,
         start=6010),
    flow(4, "INAGORA Co., Ltd.", "PayPal", "PayPal", "payment", action="share", data=("payment data",)),
    flow(5, "INAGORA Co., Ltd.", "Alibaba Cloud", "Alibaba Cloud", "cloud", rcountry="CN",
         data=("all personal data",), purposes=("hosting",),
         sentence="To securely manage and store our data, we use third-party services, specifically Alibaba Cloud."),
    flow(6, "INAGORA Co., Ltd.", "law enforcement", None, "government", action="disclose-to-authorities",
         rcountry=None, data=("contact data",), purposes=("legal obligation",)),
    flow(7, "ZenGroup Inc.", "Google Analytics", "Google", "analytics", data=("usage data",)),
    flow(8, "ZenGroup Inc.", "Google AdWords", "Google", "advertising", data=("online identifiers",)),
    flow(9, "ZenGroup Inc.", "Stripe", "Stripe", "payment", action="share", data=("payment data", "contact data")),
    flow(10, "ZenGroup Inc.", "DHL", "DHL", "logistics", action="provide-to-third-party",
         data=("contact data", "postal address"), rcountry="DE"),
    flow(11, "ZenGroup Inc.", "PayPal", "PayPal", "payment", action="share", data=("payment data",)),
    flow(12, "ZenGroup Inc.", "law enforcement", None, "government", action="disclose-to-authorities", rcountry=None),
    flow(13, "Infomart Corporation", "Restartz Co. Ltd.", "Restartz Co. Ltd.", "group", action="joint-use",
         data=("contact data", "business card data"), rcountry="JP"),
    flow(14, "Infomart Corporation", "Google Analytics", "Google", "analytics", data=("usage data", "cookies")),
    flow(15, "Kaikorero", "DHL", "DHL", "logistics", action="provide-to-third-party",
         data=("name", "postal address"), rcountry="DE", source="examples/policies/kaikorero.ja.txt",
         sentence="商品をお客様にお届けするために利用する、DHLやUPSなどの配送会社。"),
    flow(16, "Kaikorero", "UPS", "UPS", "logistics", data=("name", "postal address")),
    flow(17, "Kaikorero", "Google", "Google", "analytics", data=("usage data",)),
]

HOSTILE_COMPANY = f"{XSS_SCRIPT} Evil KK"
HOSTILE_ORG = f"{XSS_IMG} Processor"
HOSTILE_SENTENCE = f"We send your data to {XSS_IMG} and run {XSS_SCRIPT} \u2028 for \"quotes\" & 'ampersands' </script>."
HOSTILE = ROWS + [
    flow(90, HOSTILE_COMPANY, HOSTILE_ORG, HOSTILE_ORG, "advertising", data=(XSS_IMG, "usage data"),
         purposes=(XSS_SCRIPT,), sentence=HOSTILE_SENTENCE, source=f"x/{XSS_IMG}.txt"),
    flow(91, HOSTILE_COMPANY, "Stripe", "Stripe", "payment", sentence=HOSTILE_SENTENCE),
]


def big_rows(companies=1000, orgs=400, per_company=8, seed=1):
    """A synthetic graph of the target size: Zipf-like popularity of processors."""
    rnd = random.Random(seed)
    cats = list(viz.CATEGORIES)
    org_names = [f"Processor {i:03d}" for i in range(orgs)]
    weights = [1 / (i + 1) for i in range(orgs)]
    datas = [f"data category {i}" for i in range(40)]
    out, n = [], 0
    for c in range(companies):
        name = f"Company {c:04d} K.K."
        for org in set(rnd.choices(org_names, weights, k=per_company)):
            n += 1
            i = org_names.index(org)
            out.append(flow(n, name, org + " Service", org, cats[i % len(cats)], data=rnd.sample(datas, 3),
                            sentence=f"{name} entrusts personal data to {org} for processing of orders and support. " * 2))
        if c % 10 == 0:
            n += 1
            out.append(flow(n, name, "law enforcement", None, "government", action="disclose-to-authorities"))
    return out


# -- static checks ------------------------------------------------------------------------------

_DATA_RE = re.compile(r'<script type="application/json" id="policykg-data">(.*?)</script>', re.S)


def page_data(html: str) -> dict:
    m = _DATA_RE.search(html)
    assert m, "no JSON data block"
    return json.loads(m.group(1))


def without_data(html: str) -> str:
    return _DATA_RE.sub("", html)


def external_loads(html: str) -> list[str]:
    """Anything in the markup that would make the browser fetch from the network."""
    markup = without_data(html)
    found = []
    found += re.findall(r"<script\b[^>]*\bsrc\s*=", markup, re.I)
    found += re.findall(r"<link\b[^>]*\bhref\s*=", markup, re.I)
    found += re.findall(r"<(?:img|iframe|embed|object|source|video|audio)\b[^>]*\b(?:src|data)\s*=", markup, re.I)
    css = " ".join(re.findall(r"<style\b[^>]*>(.*?)</style>", markup, re.S | re.I)
                   + re.findall(r"\bstyle\s*=\s*\"([^\"]*)\"", markup, re.I))
    found += re.findall(r"@import", css, re.I)
    found += [u for u in re.findall(r"url\(\s*['\"]?([^'\")]*)", css, re.I) if not u.startswith("data:")]
    found += re.findall(r"""(?:src|href|action)\s*=\s*["']?https?://""", markup, re.I)
    return found


def test_render_is_self_contained():
    html = viz.render(ROWS)
    assert html.startswith("<!DOCTYPE html>")
    assert external_loads(html) == []
    # no URL in the markup or the inline code points at the network (licence comments aside)
    for url in re.findall(r"https?://[^\s\"'<>)]+", without_data(html)):
        assert not re.search(r"(cdn|unpkg|jsdelivr|googleapis|bootstrap|cloudflare)", url), url
    assert "vis.Network" in html and "vis-network" in html
    assert "Content-Security-Policy" in html and "connect-src 'none'" in html


def test_data_block_roundtrips_and_aggregates():
    data = page_data(viz.render(ROWS))
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert {"INAGORA Co., Ltd.", "ZenGroup Inc.", "Stripe", "Alibaba Cloud", "DHL", "Restartz Co. Ltd.", "Google"} \
        <= set(labels.values())
    google = next(n for n in data["nodes"] if n["id"] == "o:Google")
    assert google["companies"] == 4 and google["shared"] and google["category"] == "analytics"
    assert {"Google Analytics", "Google Ads", "Google AdWords"} <= set(google["products"])
    # one edge per company/organisation pair, the flows inside
    ina_google = [e for e in data["edges"] if labels[e["from"]].startswith("INAGORA") and e["to"] == "o:Google"]
    assert len(ina_google) == 1 and len(ina_google[0]["flows"]) == 2
    assert set(ina_google[0]["actions"]) == {"entrust"} and "online identifiers" in ina_google[0]["data"]
    # an unnamed recipient is one node per company and kind: two companies' "law enforcement"
    # are not one shared recipient
    gov = [n for n in data["nodes"] if n["kind"] == "unnamed"]
    assert [(n["label"], n["category"], n["companies"], n["shared"]) for n in gov] == \
        [("law enforcement", "government", 1, False)] * 2
    assert len({e["from"] for e in data["edges"] if e["to"] in {n["id"] for n in gov}}) == 2
    # evidence points at sentence and source tables
    stripe = next(e for e in data["edges"] if labels[e["from"]].startswith("INAGORA") and e["to"] == "o:Stripe")
    s, src, start, end = stripe["flows"][0]["evidence"][0]
    assert data["sentences"][s] == STRIPE_SENTENCE and data["sources"][src].endswith(".en.txt")
    assert (start, end) == (6010, 6010 + len(STRIPE_SENTENCE))
    assert data["policies"][src] == "https://example.org/policy/inagora-co-ltd"
    # overlap and blast radius
    pair = next(r for r in data["overlap"] if {r["a"], r["b"]} == {"INAGORA Co., Ltd.", "ZenGroup Inc."})
    assert set(pair["shared"]) == {"Google", "PayPal", "Stripe"} and pair["aId"] and pair["bId"]
    top = data["mostShared"][0]
    assert top["organization"] == "Google" and len(top["companies"]) == 4
    assert data["meta"]["companies"] == 4 and data["meta"]["unnamed"] == 2


def test_hostile_strings_stay_data():
    html = viz.render(HOSTILE)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "\u2028" not in html and "\u2029" not in html
    assert len(re.findall("</script", html, re.I)) == 3  # the three blocks; nothing closes one early
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html
    assert external_loads(html) == []
    data = page_data(html)
    assert HOSTILE_COMPANY in {n["label"] for n in data["nodes"]}
    assert HOSTILE_ORG in {n["label"] for n in data["nodes"]}
    assert HOSTILE_SENTENCE in data["sentences"]


def test_hide_unnamed_and_empty():
    data = page_data(viz.render(ROWS, show_unnamed=False))
    assert data["meta"]["showUnnamed"] is False
    empty = viz.render([])
    assert page_data(empty)["nodes"] == [] and external_loads(empty) == []


def test_json_for_script_escapes():
    s = viz.json_for_script({"x": "</script><!-- & \u2028\u2029 >"})
    assert not re.search("[<>&\u2028\u2029]", s)
    assert json.loads(s) == {"x": "</script><!-- & \u2028\u2029 >"}


def test_write_page_reports_its_size(examples_store, tmp_path):
    from policykg.graph.analytics import flows
    rows = flows(examples_store)
    out = tmp_path / "sub" / "page.html"
    info = viz.write_page(examples_store, str(out))
    html = out.read_text(encoding="utf-8")
    meta = page_data(html)["meta"]
    # the page knows its own size, exactly
    assert info["bytes"] == out.stat().st_size == int(meta["pageBytes"])
    assert info["companies"] == meta["companies"] == len({r["controller"] for r in rows}) == 5
    named = {r["organization"] for r in rows if r["organization"]}
    assert meta["named"] == len(named) and info["recipients"] == meta["recipients"] > len(named)
    assert viz.write_page(examples_store, str(out), show_unnamed=False)["recipients"] == len(named)
    assert page_data(out.read_text(encoding="utf-8"))["meta"]["showUnnamed"] is False


def test_cli_viz(tmp_path, policykg_cmd):
    """`policykg viz` prints the page's size; a path it cannot write is one line of error."""
    import subprocess
    from conftest import MANIFEST, example
    from policykg.build import build
    store = str(tmp_path / "store")
    assert build([example("unnamed-shop.en.txt")], store, manifest=MANIFEST).stored == 1
    out = tmp_path / "page.html"
    r = subprocess.run([policykg_cmd, "viz", "--store", store, "-o", str(out), "--hide-unnamed"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"wrote {out}: 1 companies, 0 recipients, {out.stat().st_size / 1024:.0f} KiB\n"
    assert page_data(out.read_text(encoding="utf-8"))["meta"]["unnamed"] >= 1  # in the page, hidden
    bad = tmp_path / "file"
    bad.write_text("")
    r = subprocess.run([policykg_cmd, "viz", "--store", store, "-o", str(bad / "page.html")], capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.startswith("policykg: error: ") and r.stderr.count("\n") == 1, r.stderr


def test_top_company_overlap_matches_analytics():
    from policykg.graph.analytics import company_overlap
    for rows in (ROWS, HOSTILE, big_rows(companies=150, orgs=40, per_company=5, seed=3)):
        ref = company_overlap(rows)
        assert viz.top_company_overlap(rows, 50) == (len(ref), ref[:50])


def test_scale_render_caps_the_tables():
    """At 1,000 companies the graph is whole and the side tables are capped (speed: bench/viz_scale.py)."""
    html = viz.render(big_rows())
    data = page_data(html)
    assert data["meta"]["companies"] == 1000
    assert len(data["overlap"]) == viz.MAX_OVERLAP_ROWS < data["meta"]["overlapPairs"]
    assert len(data["mostShared"]) == viz.MAX_SHARED_ROWS == data["meta"]["sharedShown"]
    assert data["meta"]["pageBytes"].strip() == str(len(html.encode("utf-8")))


# -- real browser -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (scripts/install-sysdeps.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A page opened from file:// with every non-file request aborted and recorded."""

    def __init__(self, browser, path: Path, timeout_ms: int = 15000):
        self.external, self.errors, self.dialogs = [], [], []
        self.ctx = browser.new_context(viewport={"width": 1400, "height": 860})
        self.ctx.route("**/*", self._route)
        self.page = page = self.ctx.new_page()
        page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:", "about:"))
                else self.external.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("dialog", self._dialog)
        page.goto(path.resolve().as_uri())
        # (wait_for_function evaluates with eval(), which the page's Content-Security-Policy forbids)
        deadline = time.monotonic() + timeout_ms / 1000
        while not page.evaluate("!!(window.policykg && window.policykg.ready)"):
            assert time.monotonic() < deadline, f"page not ready after {timeout_ms} ms: {self.errors}"
            page.wait_for_timeout(50)

    def _route(self, route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def _dialog(self, d):
        self.dialogs.append(d.message)
        d.dismiss()

    def close(self):
        self.ctx.close()

    def labels(self) -> set[str]:
        return set(self.page.evaluate(
            "window.policykg.nodes.get({filter: n => !n.hidden}).map(n => window.policykg.data.nodes"
            ".find(d => d.id === n.id).label)"))

    def node_id(self, label_start: str) -> str:
        return self.page.evaluate("(s) => window.policykg.data.nodes.find(n => n.label.startsWith(s)).id", label_start)

    def edge_id(self, from_start: str, to_start: str) -> str:
        return self.page.evaluate("""([a, b]) => { const k = window.policykg.data;
            const lab = id => k.nodes.find(n => n.id === id).label;
            const e = k.edges.find(e => lab(e.from).startsWith(a) && lab(e.to).startsWith(b));
            return e ? e.id : null; }""", [from_start, to_start])

    def drawn(self) -> list[str]:
        """The text drawn on the canvas for each visible node (name, products named, ◆ badge)."""
        return self.page.evaluate("window.policykg.nodes.get({filter: n => !n.hidden}).map(n => n.label)")

    def edge_point(self, edge_id: str) -> dict:
        """A point of the edge, in page coordinates, away from every node and its label."""
        js = """(id) => { const k = window.policykg, net = k.network, e = k.edges.get(id);
            const rect = document.getElementById('graph').getBoundingClientRect();
            const pos = net.getPositions([e.from, e.to]), a = pos[e.from], b = pos[e.to];
            const boxes = k.nodes.getIds({filter: n => !n.hidden}).map(n => net.getBoundingBox(n));
            for (const t of [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75]) {
              const c = {x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t}, d = net.canvasToDOM(c);
              if (d.x < 5 || d.y < 5 || d.x > rect.width - 5 || d.y > rect.height - 5) continue;
              if (boxes.some(x => c.x > x.left - 4 && c.x < x.right + 4 && c.y > x.top - 4 && c.y < x.bottom + 4)) continue;
              if (net.getNodeAt(d) !== undefined || net.getEdgeAt(d) !== id) continue;
              return {x: rect.left + d.x, y: rect.top + d.y};
            }
            return null; }"""
        pt = self.page.evaluate(js, edge_id)
        if pt is None:  # labels cover a short edge: drag the recipient away (as a user would), look again
            self.page.evaluate("""(id) => { const k = window.policykg, net = k.network, e = k.edges.get(id);
                const p = net.getPositions([e.from, e.to]), a = p[e.from], b = p[e.to];
                const dx = b.x - a.x, dy = b.y - a.y, len = Math.hypot(dx, dy) || 1;
                net.moveNode(e.to, a.x + dx / len * 400, a.y + dy / len * 400);
                net.fit({nodes: [e.from, e.to], animation: false}); }""", edge_id)
            pt = self.page.evaluate(js, edge_id)
        assert pt is not None, f"no clickable point on edge {edge_id}"
        return pt

    def click_edge(self, edge_id: str) -> None:
        """A real mouse click on the edge."""
        self._click(self.edge_point(edge_id), "(id) => { const n = window.policykg.network;"
                        " return n.getSelectedNodes().length === 0 && n.getSelectedEdges().includes(id); }", edge_id)

    def _click(self, pt: dict, selected_js: str, arg) -> None:
        # vis-network reads a click as a Hammer.js tap, which a busy machine can miss (press and
        # release more than 250 ms apart): click again rather than fail
        for _ in range(3):
            self.page.mouse.click(pt["x"], pt["y"])
            for _ in range(10):
                if self.page.evaluate(selected_js, arg):
                    return
                self.page.wait_for_timeout(50)
            self.page.wait_for_timeout(400)  # not a double click
        raise AssertionError(f"click at {pt} did not select {arg}")

    def node_point(self, node_id: str) -> dict:
        return self.page.evaluate("""(id) => { const net = window.policykg.network;
            const d = net.canvasToDOM(net.getPositions([id])[id]);
            const r = document.getElementById('graph').getBoundingClientRect();
            return {x: r.left + d.x, y: r.top + d.y}; }""", node_id)

    def click_node(self, node_id: str) -> None:
        self._click(self.node_point(node_id), "(id) => { const s = window.policykg.network.getSelectedNodes();"
                                              " return s.length === 1 && s[0] === id; }", node_id)

    def panel(self) -> str:
        return self.page.locator("#panel").inner_text()

    def hover(self, pt: dict) -> str:
        """Move the mouse onto a point; the tooltip's text."""
        self.page.mouse.move(pt["x"] + 20, pt["y"] + 20)
        self.page.mouse.move(pt["x"], pt["y"], steps=3)
        tip = self.page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=5000)
        return tip.inner_text()


def _write(tmp_path, rows, name="page.html", **kw) -> Path:
    p = tmp_path / name
    p.write_text(viz.render(rows, **kw), encoding="utf-8")
    return p


@pytest.mark.browser
def test_browser_page(browser, tmp_path):
    pg = Page(browser, _write(tmp_path, ROWS))
    try:
        page = pg.page
        drawn = pg.labels()
        assert {"INAGORA Co., Ltd.", "ZenGroup Inc.", "Stripe", "Alibaba Cloud", "DHL", "Restartz Co. Ltd."} <= drawn
        assert "law enforcement" in drawn
        # every drawn node has a position on the canvas
        assert page.evaluate("Object.keys(window.policykg.network.getPositions()).length") == len(page.evaluate(
            "window.policykg.data.nodes"))
        assert "4 companies" in page.locator("#counts").inner_text()
        assert page.locator("#legend li").count() == 6

        # click the INAGORA → Stripe link: the panel shows the evidence with source and offsets
        pg.click_edge(pg.edge_id("INAGORA", "Stripe"))
        text = pg.panel()
        assert STRIPE_SENTENCE in text
        assert "inagora-co-ltd.en.txt · chars 6010–" in text
        assert "payment data" in text and "share" in text and "cross-border" in text and "JP → US" in text

        # click a shared recipient node: blast radius
        pg.click_node("o:Google")
        text = pg.panel()
        assert "blast radius" in text.lower() and "Kaikorero" in text and "Google Ads" in text

        # search focuses a node and shows it
        page.fill("#search", "alibaba")
        page.press("#search", "Enter")
        assert "Alibaba Cloud" in pg.panel()
        assert page.evaluate("window.policykg.network.getSelectedNodes()") == ["o:Alibaba Cloud"]

        # filters: a recipient category, a data category, unnamed recipients
        page.uncheck("#legend input[data-cat=payment]")
        assert "Stripe" not in pg.labels() and "Google" in pg.labels()
        page.check("#legend input[data-cat=payment]")
        page.select_option("#data-filter", "postal address")
        assert pg.labels() == {"ZenGroup Inc.", "Kaikorero", "DHL", "UPS"}
        page.select_option("#data-filter", "")
        page.uncheck("#toggle-unnamed")
        assert "law enforcement" not in pg.labels() and "INAGORA Co., Ltd." in pg.labels()
        page.check("#toggle-shared")
        assert pg.labels() & {"Alibaba Cloud", "UPS"} == set() and "Stripe" in pg.labels()

        # the overlap and most-shared tabs
        page.click("#tabs button[data-tab=overlap]")
        assert "INAGORA Co., Ltd." in page.locator("#overlap-table").inner_text()
        page.click("#tabs button[data-tab=shared]")
        assert page.locator("#shared-table tbody tr").first.inner_text().strip().startswith("Google")

        assert pg.external == [] and pg.errors == [] and pg.dialogs == []
    finally:
        pg.close()


@pytest.mark.browser
def test_browser_hostile_page(browser, tmp_path):
    pg = Page(browser, _write(tmp_path, HOSTILE))
    try:
        page = pg.page
        assert {HOSTILE_COMPANY, HOSTILE_ORG} <= pg.labels()
        pg.click_edge(pg.edge_id(XSS_SCRIPT, XSS_IMG))
        text = pg.panel()
        assert XSS_IMG in text and XSS_SCRIPT in text and "</script>." in text
        # hover the hostile node: the tooltip shows the text, makes no element
        assert XSS_IMG in pg.hover(pg.node_point("o:" + HOSTILE_ORG))
        pg.click_node("c:https://example.org/org/script-alert-1-script-evil-kk")
        assert HOSTILE_COMPANY in pg.panel() and HOSTILE_ORG in pg.panel()
        page.click("#tabs button[data-tab=overlap]")
        assert XSS_SCRIPT in page.locator("#overlap-table").inner_text()
        page.click("#tabs button[data-tab=shared]")
        page.wait_for_timeout(200)
        assert page.evaluate("document.images.length") == 0
        assert page.evaluate("document.scripts.length") == 3
        assert pg.dialogs == [] and pg.external == [] and pg.errors == []
    finally:
        pg.close()


@pytest.mark.browser
def test_browser_scale(browser, tmp_path):
    """1,000 companies: the page lays out, draws every node and stays clickable (timings: bench/viz_scale.py)."""
    path = _write(tmp_path, big_rows(), "big.html")
    pg = Page(browser, path, timeout_ms=120000)
    try:
        page = pg.page
        n = page.evaluate("window.policykg.nodes.get({filter: n => !n.hidden}).length")
        assert n == len(page.evaluate("window.policykg.data.nodes")) > 1000
        counts = page.locator("#counts").inner_text()
        assert "1000 companies" in counts and f"page {round(path.stat().st_size / 1024)} KiB" in counts
        assert page.evaluate("window.policykg.timing.layout") > 0
        page.fill("#search", "Processor 000")
        page.press("#search", "Enter")
        assert page.evaluate("window.policykg.network.getSelectedNodes()") == ["o:Processor 000"]
        assert "blast radius" in pg.panel().lower()
        assert pg.external == [] and pg.errors == []
    finally:
        pg.close()


@pytest.fixture(scope="module")
def examples_page(examples_store, tmp_path_factory):
    """The page of the five examples, written by the library as ``policykg viz`` does."""
    out = tmp_path_factory.mktemp("viz") / "overlap.html"
    viz.write_page(examples_store, str(out))
    return out


def _text_at(source: str, start: int, end: int) -> str:
    """The characters [start, end) of a policy file (offsets count code points)."""
    return Path(source).read_text(encoding="utf-8")[start:end]


@pytest.mark.browser
def test_browser_examples(browser, examples_page, examples_store):
    """Everything the issue says the page must show, on the five example policies."""
    import policykg
    from policykg.graph.analytics import company_overlap, flows

    pg = Page(browser, examples_page)
    try:
        page = pg.page
        data = page.evaluate("window.policykg.data")
        node = {n["id"]: n for n in data["nodes"]}
        vis = {v["id"]: v for v in page.evaluate("window.policykg.nodes.get()")}

        # 2. companies and recipients drawn (an organisation shows the product a policy named:
        #    "Alibaba (Alibaba Cloud)")
        drawn = " | ".join(pg.drawn())
        for name in ("INAGORA", "ZenGroup", "Stripe", "Alibaba Cloud", "DHL", "Restartz", "Infomart", "Kainisi"):
            assert name in drawn, (name, drawn)
        assert page.evaluate("Object.keys(window.policykg.network.getPositions()).length") == len(data["nodes"])
        #    coloured by category, with a legend entry (swatch, name, count) per category
        legend = page.locator("#legend li")
        assert legend.count() == len(data["categories"]) >= 5 and legend.first.is_visible()
        for i, c in enumerate(data["categories"]):
            assert c["label"] in legend.nth(i).inner_text()
        for n in data["nodes"]:
            if n["kind"] != "company":
                colour = next(c["color"] for c in data["categories"] if c["code"] == n["category"])
                assert vis[n["id"]]["color"]["background"] == colour, n["label"]
        #    sized by how many companies use them; shared ones set apart (border, ◆ badge)
        google, stripe, dhl = node["o:Google"], node["o:Stripe"], node["o:DHL"]
        assert google["companies"] == 4 and stripe["companies"] == 2 and dhl["companies"] == 1
        assert vis["o:Google"]["size"] > vis["o:Stripe"]["size"] > vis["o:DHL"]["size"]
        assert "◆ 4" in vis["o:Google"]["label"] and "◆" not in vis["o:DHL"]["label"]
        assert vis["o:Stripe"]["borderWidth"] > vis["o:DHL"]["borderWidth"]
        #    unnamed recipients (law enforcement, "payment provider") are drawn, and can be hidden
        unnamed = [n for n in data["nodes"] if n["kind"] == "unnamed"]
        assert {"Public Authority", "Payment Provider"} <= {n["label"] for n in unnamed}
        assert all(not vis[n["id"]].get("hidden") for n in unnamed) and vis[unnamed[0]["id"]]["shape"] == "diamond"
        page.uncheck("#toggle-unnamed")
        assert "Public Authority" not in pg.labels() and "Stripe" in pg.labels()
        page.check("#toggle-unnamed")
        assert "Public Authority" in pg.labels()

        # 3. the INAGORA → Stripe link: hover, then click
        edge_id = pg.edge_id("INAGORA", "Stripe")
        edge = next(e for e in data["edges"] if e["id"] == edge_id)
        tip = pg.hover(pg.edge_point(edge_id))
        assert "INAGORA Co., Ltd. → Stripe" in tip and "purposes: " in tip and "countries: JP → US" in tip
        assert all(d in tip for d in edge["data"])
        pg.click_edge(edge_id)
        text = pg.panel()
        for field in edge["data"] + edge["purposes"] + edge["actions"]:
            assert field in text, field
        assert "JP → US" in text and "cross-border" in text
        policy_iri = data["policies"][edge["flows"][0]["evidence"][0][1]]
        assert policy_iri.startswith("https://w3id.org/policykg/id/policy/inagora-onemall") and policy_iri in text
        sentences = page.locator("#panel blockquote.sentence").all_inner_texts()
        cites = page.locator("#panel .evidence .cite").all_inner_texts()
        assert any("Stripe" in s for s in sentences), sentences
        assert len(cites) == len(sentences) > 0
        for sentence, cite in zip(sentences, cites):
            # the file the sentence comes from and its offsets: the sentence is exactly there
            m = re.match(r"(\S+) · chars (\d+)–(\d+) · ", cite)
            assert m and m.group(1) == "inagora-onemall.en.txt", cite
            source = next(x for x in data["sources"] if x.endswith("/" + m.group(1)))
            assert _text_at(source, int(m.group(2)), int(m.group(3))) == sentence
        #    a node: hover gives a summary; a click, every link's data, purposes, countries and evidence
        assert "used by 2 companies" in pg.hover(pg.node_point("o:Stripe"))
        pg.click_node("o:Stripe")
        text = pg.panel()
        into_stripe = [e for e in data["edges"] if e["to"] == "o:Stripe"]
        assert page.locator("#panel details.link-ev").count() == len(into_stripe) == 2
        for e in into_stripe:
            assert all(x in text for x in e["data"] + e["purposes"] + e["actions"] + e["countries"])
            assert node[e["from"]]["label"] in text
        assert sum("Stripe" in s for s in page.locator("#panel blockquote.sentence").all_inner_texts()) >= 2
        pg.click_node(pg.node_id("INAGORA"))
        assert page.locator("#panel details.link-ev").count() == sum(e["from"] == pg.node_id("INAGORA")
                                                                      for e in data["edges"])

        # 4. filters: a recipient category, a data category; search by name
        page.uncheck("#legend input[data-cat=payment]")
        assert "Stripe" not in pg.labels() and "DHL" in pg.labels()
        page.check("#legend input[data-cat=payment]")
        page.select_option("#data-filter", "Payment Card")
        shown = pg.labels()
        assert {"Stripe", "PayPal", "INAGORA Co., Ltd.", "ZenGroup INC"} <= shown
        assert not shown & {"DHL", "Restartz", "Infomart Corporation", "Alibaba"}
        page.select_option("#data-filter", "")
        for query, node_id in (("restartz", "o:Restartz"), ("Alibaba Cloud", "o:Alibaba"), ("zengroup", None)):
            page.fill("#search", query)
            page.press("#search", "Enter")
            selected = page.evaluate("window.policykg.network.getSelectedNodes()")
            assert len(selected) == 1 and (node_id is None or selected == [node_id]), (query, selected)
            assert node[selected[0]]["label"] in pg.panel()

        # 5. company × company overlap (shared recipients, Jaccard) and most shared with blast radius
        rows = flows(examples_store)
        pair = next(r for r in company_overlap(rows) if {r["a"], r["b"]} == {"INAGORA Co., Ltd.", "ZenGroup INC"})
        page.click("#tabs button[data-tab=overlap]")
        row = page.locator("#overlap-table tbody tr", has_text="INAGORA Co., Ltd.").filter(has_text="ZenGroup INC")
        assert row.locator("td").all_inner_texts()[2:] == [str(len(pair["shared"])), f"{pair['jaccard']:.2f}"]
        row.click()
        text = pg.panel()
        assert "Jaccard" in text and all(org in text for org in pair["shared"])
        page.click("#tabs button[data-tab=shared]")
        top = policykg.overlap(examples_store, min_controllers=2)[0]
        first = [t.strip() for t in page.locator("#shared-table tbody tr").first.locator("td").all_inner_texts()]
        assert first[0].startswith(top["organization"]) and first[1].startswith(str(len(top["controllers"])))
        blast = policykg.blast_radius(examples_store, top["organization"])[0]
        assert first[2].startswith(str(len(blast["data"])))
        page.locator("#shared-table tbody tr").first.click()
        text = pg.panel()
        assert "blast radius: companies exposed (4)" in text.lower() and all(c in text for c in top["controllers"])

        # 6. the page reports its size and what it draws
        assert f"page {round(examples_page.stat().st_size / 1024)} KiB" in page.locator("#counts").inner_text()

        # 1. nothing left file://, no JavaScript error, no dialog
        assert pg.external == [] and pg.errors == [] and pg.dialogs == []
    finally:
        pg.close()


HOSTILE_POLICY = """Privacy Policy

1. Sharing of personal information
We share your name, email address and payment card number with Stripe for payment processing. <script>alert("stripe")</script>
We may disclose personal information to law enforcement when required by law. <img src=x onerror=alert(3)>
</script><script>alert(4)</script><!-- <img src=x onerror=alert(5)>
"""
HOSTILE_RECIPIENT = "<script>alert(6)</script><img src=x onerror=alert(7)> Stripe"


@pytest.mark.browser
def test_browser_hostile_policy(browser, tmp_path):
    """A policy with <script> and <img onerror> in its text, its company and its recipient's name runs nothing."""
    from conftest import example
    from policykg.build import build
    from policykg.graph import Store

    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "evil.en.txt").write_text(HOSTILE_POLICY, encoding="utf-8")
    (policies / "inagora-onemall.en.txt").write_bytes(Path(example("inagora-onemall.en.txt")).read_bytes())
    (policies / "manifest.csv").write_text(
        f'file,language,controller,country\nevil.en.txt,en,"{XSS_SCRIPT} Evil KK",JP\n', encoding="utf-8")
    store = Store(str(tmp_path / "store"))
    assert build([str(policies)], store, manifest=str(policies / "manifest.csv")).stored == 2
    # the recipient's name, as a store could hold it
    store.update('DELETE { GRAPH ?g { ?o rdfs:label "Stripe" } } INSERT { GRAPH ?g { ?o rdfs:label '
                 + json.dumps(HOSTILE_RECIPIENT) + ' } } WHERE { GRAPH ?g { ?o rdfs:label "Stripe" } }')
    out = tmp_path / "evil.html"
    viz.write_page(store, str(out))
    store.close()
    html = out.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<!-- <img" not in html

    pg = Page(browser, out)
    try:
        page = pg.page
        assert {f"{XSS_SCRIPT} Evil KK", HOSTILE_RECIPIENT, "INAGORA Co., Ltd."} <= pg.labels()
        pg.click_edge(pg.edge_id(XSS_SCRIPT, HOSTILE_RECIPIENT))
        text = pg.panel()
        assert HOSTILE_RECIPIENT in text and 'Stripe for payment processing. <script>alert("stripe")</script>' in text
        assert HOSTILE_RECIPIENT in pg.hover(pg.node_point("o:" + HOSTILE_RECIPIENT))
        pg.click_edge(pg.edge_id(XSS_SCRIPT, "Public Authority"))
        assert "<img src=x onerror=alert(3)>" in pg.panel()
        page.click("#tabs button[data-tab=overlap]")
        assert HOSTILE_RECIPIENT not in page.locator("#overlap-table").inner_text()  # shared: a name, not a row
        page.locator("#overlap-table tbody tr").first.click()
        assert HOSTILE_RECIPIENT in pg.panel()
        page.click("#tabs button[data-tab=shared]")
        assert page.locator("#shared-table tbody tr").first.inner_text().strip().startswith(HOSTILE_RECIPIENT)
        page.fill("#search", HOSTILE_RECIPIENT)
        page.press("#search", "Enter")
        assert HOSTILE_RECIPIENT in pg.panel()
        page.wait_for_timeout(300)
        # no element came out of the text: no image, no script beyond the page's three
        assert page.evaluate("document.images.length") == 0
        assert page.evaluate("document.scripts.length") == 3
        assert page.evaluate("document.querySelectorAll('[onerror], [onmouseover]').length") == 0
        assert pg.dialogs == [] and pg.external == [] and pg.errors == []
    finally:
        pg.close()
