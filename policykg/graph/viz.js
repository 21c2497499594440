/* policykg cross-company page.
 *
 * All policy-derived strings (names, labels, sentences) are data: they are read from the
 * JSON block and only ever reach the DOM through textContent / createTextNode / element
 * properties, never through innerHTML.  vis-network tooltips get DOM elements.
 */
(function () {
  "use strict";

  var T0 = performance.now();
  var DATA = JSON.parse(document.getElementById("policykg-data").textContent);
  var META = DATA.meta;
  var CAT = {};
  DATA.categories.forEach(function (c) { CAT[c.code] = c; });
  var ACTIONS = {
    "share": "shared with the recipient", "entrust": "entrusted to a processor", "joint-use": "joint use",
    "provide-to-third-party": "provided to a third party", "transfer": "transferred",
    "disclose-to-authorities": "disclosed to authorities", "sell": "sold"
  };
  function actionText(a) { return ACTIONS[a] ? a + " — " + ACTIONS[a] : a; }

  var nodeById = {}, edgeById = {}, edgesOf = {}, idsByLabel = {};
  var searchNames = [];  // [lower-case name, node id]: labels first, then the products named
  DATA.nodes.forEach(function (n) {
    nodeById[n.id] = n; edgesOf[n.id] = [];
    searchNames.push([n.label.toLowerCase(), n.id]);
  });
  DATA.nodes.forEach(function (n) {
    (n.products || []).forEach(function (p) { searchNames.push([p.toLowerCase(), n.id]); });
  });
  searchNames.forEach(function (s) {
    var ids = idsByLabel[s[0]] = idsByLabel[s[0]] || [];
    if (ids.indexOf(s[1]) < 0) ids.push(s[1]);
  });
  DATA.edges.forEach(function (e) {
    edgeById[e.id] = e;
    if (edgesOf[e.from]) edgesOf[e.from].push(e.id);
    if (edgesOf[e.to]) edgesOf[e.to].push(e.id);
  });
  var BIG = DATA.nodes.length > 300 || DATA.edges.length > 2000;

  // ---- DOM helpers (text only) ---------------------------------------------------------
  function $(id) { return document.getElementById(id); }
  function el(tag, props, kids) {
    var n = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (k === "text") n.textContent = v;
        else if (k === "cls") n.className = v;
        else if (k === "title") n.title = v;
        else if (k === "onclick") n.addEventListener("click", v);
        else if (k === "bg") n.style.background = v;
        else n.setAttribute(k, v);
      });
    }
    (kids || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      n.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
    return n;
  }
  function clear(n) { while (n.firstChild) n.removeChild(n.firstChild); return n; }
  function tip(lines) {  // a vis tooltip as a DOM element with plain text
    var d = document.createElement("div");
    d.textContent = lines.filter(Boolean).join("\n");
    return d;
  }
  function basename(p) { var s = String(p || ""); var i = Math.max(s.lastIndexOf("/"), s.lastIndexOf("\\")); return s.slice(i + 1); }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : (many || one + "s")); }
  function short(list, k) { return list.slice(0, k).join(", ") + (list.length > k ? ", … (+" + (list.length - k) + ")" : ""); }
  function rgba(hex, a) {
    var h = hex.replace("#", "");
    return "rgba(" + parseInt(h.slice(0, 2), 16) + "," + parseInt(h.slice(2, 4), 16) + "," + parseInt(h.slice(4, 6), 16) + "," + a + ")";
  }
  function catOf(n) { return CAT[n.category] || { code: "other", label: "Other", color: "#b0b0b0" }; }
  function chips(list, highlight) {
    if (!list || !list.length) return el("p", { cls: "muted", text: "none stated" });
    return el("ul", { cls: "chips" }, list.map(function (x) { return el("li", { cls: x === highlight ? "hl" : "" }, [x]); }));
  }
  function kv(pairs) {
    var dl = el("dl", { cls: "kv" });
    pairs.forEach(function (p) {
      if (p === null) return;
      dl.appendChild(el("dt", { text: p[0] }));
      dl.appendChild(el("dd", null, [p[1]]));
    });
    return dl;
  }
  function linkBtn(text, fn, title) { return el("button", { cls: "link", type: "button", onclick: fn, title: title || "" }, [text]); }

  // ---- vis items ---------------------------------------------------------------------------
  function visNode(n) {
    if (n.kind === "company") {
      return BIG ? {
        id: n.id, label: n.label, shape: "square", size: 9,
        color: { background: "#263238", border: "#0d1417", highlight: { background: "#546e7a", border: "#000" }, hover: { background: "#455a64", border: "#000" } },
        font: { size: 12, color: "#1d2327", strokeWidth: 3, strokeColor: "#fff" },
        title: tip([n.label, "company" + (n.countries.length ? " · " + n.countries.join(", ") : ""), plural(n.recipients, "recipient")])
      } : {
        id: n.id, label: n.label, shape: "box", margin: 7,
        color: { background: "#263238", border: "#0d1417", highlight: { background: "#546e7a", border: "#000" }, hover: { background: "#455a64", border: "#000" } },
        font: { size: 14, color: "#ffffff" }, borderWidth: 1, borderWidthSelected: 3,
        title: tip([n.label, "company" + (n.countries.length ? " · " + n.countries.join(", ") : ""), plural(n.recipients, "recipient")])
      };
    }
    var c = catOf(n), unnamed = n.kind === "unnamed";
    var lines = [n.label, c.label + (unnamed ? " (unnamed recipient)" : "") + " · used by " + plural(n.companies, "company", "companies"),
                 plural(n.data.length, "data category", "data categories") + " exposed"];
    if (n.products.length > 1 || (n.products[0] && n.products[0] !== n.label)) lines.push("named as: " + short(n.products, 4));
    return {
      id: n.id, label: n.label + productLine(n) + (n.shared ? "\n◆ " + n.companies : ""),
      shape: unnamed ? "diamond" : "dot", size: unnamed ? Math.min(n.size, 22) : n.size,
      color: { background: c.color, border: n.shared ? "#111111" : (unnamed ? "#444444" : rgba("#000000", 0.35)),
               highlight: { background: c.color, border: "#000000" }, hover: { background: c.color, border: "#000000" } },
      borderWidth: n.shared ? 4 : (unnamed ? 2 : 1.5), borderWidthSelected: n.shared ? 6 : 3,
      shapeProperties: unnamed ? { borderDashes: [4, 3] } : {},
      font: { size: n.shared ? 15 : 13, color: "#1d2327", strokeWidth: 3, strokeColor: "#ffffff", bold: n.shared },
      title: tip(lines)
    };
  }
  function productLine(n) {  // "Alibaba" named as "Alibaba Cloud": say so under the name
    if (n.kind !== "org") return "";
    var other = n.products.filter(function (p) { return p !== n.label; });
    return other.length && other.length <= 2 ? "\n(" + other.join(", ") + ")" : "";
  }
  function edgeCountries(e) {
    var from = nodeById[e.from].countries.join(", ") || "?";
    return from + " → " + (e.countries.join(", ") || "?");
  }
  function visEdge(e) {
    var from = nodeById[e.from], to = nodeById[e.to], c = catOf(to);
    return {
      id: e.id, from: e.from, to: e.to,
      width: 1 + Math.min(5, e.data.length / 2),
      color: { color: rgba(c.color, 0.55), highlight: c.color, hover: c.color },
      dashes: e.crossBorder ? [7, 4] : false,
      title: tip([from.label + " → " + to.label,
                  e.actions.map(function (a) { return ACTIONS[a] || a; }).join("; ") + (e.crossBorder ? " · cross-border" : ""),
                  e.data.length ? plural(e.data.length, "data category", "data categories") + ": " + short(e.data, 4) : "no data categories stated",
                  "purposes: " + (e.purposes.length ? short(e.purposes, 4) : "not stated"),
                  "countries: " + edgeCountries(e),
                  e.products.length > 1 || e.products[0] !== to.label ? "via " + short(e.products, 4) : ""])
    };
  }

  // ---- filters ---------------------------------------------------------------------------
  var state = {
    cats: new Set(DATA.categories.map(function (c) { return c.code; })),
    data: "", unnamed: !!META.showUnnamed, sharedOnly: false
  };
  function recipientPasses(n) {
    if (!state.cats.has(n.category)) return false;
    if (n.kind === "unnamed" && !state.unnamed) return false;
    if (state.sharedOnly && !n.shared) return false;
    return true;
  }
  function narrowing() { return state.cats.size < DATA.categories.length || !!state.data || state.sharedOnly; }
  var hidden = {};  // id -> currently hidden
  function computeVisibility() {
    var show = {}, edgeShow = {};
    DATA.edges.forEach(function (e) {
      var ok = recipientPasses(nodeById[e.to]) && (!state.data || e.data.indexOf(state.data) >= 0);
      edgeShow[e.id] = ok;
      if (ok) { show[e.from] = true; show[e.to] = true; }
    });
    var narrow = narrowing();
    DATA.nodes.forEach(function (n) {
      if (n.kind === "company" && !narrow) show[n.id] = true;
      if (n.kind !== "company" && !recipientPasses(n)) show[n.id] = false;
    });
    return { nodes: show, edges: edgeShow };
  }
  var visible = { nodes: {}, edges: {} };

  // ---- the network -----------------------------------------------------------------------
  // a large graph starts from a sensible layout, so that the physics settles in few iterations:
  // organisations on a spiral, most shared in the middle; each company at the centre of its
  // organisations; unnamed recipients beside their company
  function seedPositions() {
    var pos = {}, golden = Math.PI * (3 - Math.sqrt(5)), i = 0, seed = 7;
    function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; }
    DATA.nodes.filter(function (n) { return n.kind === "org"; })
      .sort(function (a, b) { return b.companies - a.companies; })
      .forEach(function (n) { var r = 60 * Math.sqrt(i + 0.5), t = golden * i++; pos[n.id] = { x: r * Math.cos(t), y: r * Math.sin(t) }; });
    DATA.nodes.forEach(function (n) {
      if (n.kind !== "company") return;
      var x = 0, y = 0, k = 0;
      edgesOf[n.id].forEach(function (eid) { var p = pos[edgeById[eid].to]; if (p) { x += p.x; y += p.y; k++; } });
      pos[n.id] = k ? { x: x / k + 300 * rnd(), y: y / k + 300 * rnd() } : { x: 1500 * rnd(), y: 1500 * rnd() };
    });
    DATA.edges.forEach(function (e) {
      if (!pos[e.to]) pos[e.to] = { x: pos[e.from].x + 60 * rnd(), y: pos[e.from].y + 60 * rnd() };
    });
    return pos;
  }
  var seeded = BIG ? seedPositions() : {};
  // in a large graph a recipient of one company only (a leaf) takes no part in the physics:
  // it is put around its company once the others have settled
  function isLeaf(n) { return BIG && n.kind !== "company" && edgesOf[n.id].length === 1; }
  visible = computeVisibility();
  var nodes = new vis.DataSet(DATA.nodes.map(function (n) {
    var v = visNode(n); v.hidden = !visible.nodes[n.id]; hidden[n.id] = v.hidden;
    if (seeded[n.id]) { v.x = seeded[n.id].x; v.y = seeded[n.id].y; }
    if (isLeaf(n)) v.physics = false;
    return v;
  }));
  function placeLeaves() {
    var byCompany = {};
    DATA.nodes.forEach(function (n) {
      if (isLeaf(n)) { var c = edgeById[edgesOf[n.id][0]].from; (byCompany[c] = byCompany[c] || []).push(n.id); }
    });
    var ids = Object.keys(byCompany), pos = network.getPositions(ids), moves = [];
    ids.forEach(function (c) {
      var leaves = byCompany[c], k = leaves.length, r = 35 + 6 * k;
      leaves.forEach(function (id, i) {
        var t = 2 * Math.PI * i / k + 0.5;
        moves.push({ id: id, x: pos[c].x + r * Math.cos(t), y: pos[c].y + r * Math.sin(t) });
      });
    });
    nodes.update(moves);
  }
  var edges = new vis.DataSet(DATA.edges.map(function (e) {
    var v = visEdge(e); v.hidden = !visible.edges[e.id]; hidden[e.id] = v.hidden;
    if (isLeaf(nodeById[e.to])) v.physics = false;
    return v;
  }));
  var options = {
    autoResize: true,
    layout: { improvedLayout: DATA.nodes.length <= 150, randomSeed: 7 },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG, keyboard: false, multiselect: false },
    physics: {
      enabled: true, solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: BIG ? -40 : -70, centralGravity: BIG ? 0.02 : 0.012, springLength: BIG ? 70 : 120,
                          springConstant: 0.06, damping: 0.5, avoidOverlap: BIG ? 0 : 0.4 },
      maxVelocity: 80, minVelocity: 1, timestep: 0.45, adaptiveTimestep: true,
      stabilization: { enabled: true, iterations: BIG ? 60 : 200, updateInterval: 10, fit: true }
    },
    nodes: { font: { face: "system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif" } },
    edges: { smooth: false, arrows: { to: { enabled: true, scaleFactor: 0.45 } }, selectionWidth: 3, hoverWidth: 1 }
  };
  var network = new vis.Network($("graph"), { nodes: nodes, edges: edges }, options);
  var api = window.policykg = {
    network: network, nodes: nodes, edges: edges, data: DATA, state: state, ready: false,
    showNode: showNode, showEdge: showEdge, applyFilters: applyFilters, find: find,
    timing: { parsed: Math.round(performance.now() - T0), iterations: 0 }  // ms since the page script started
  };

  function settled() {
    if (api.ready) return;
    network.setOptions({ physics: { enabled: false } });
    $("progress").classList.add("done");
    api.timing.settled = Math.round(performance.now() - T0);
    api.ready = true;
  }
  network.on("stabilizationProgress", function (p) {
    api.timing.iterations = p.iterations;
    $("progress").textContent = "Laying out the graph… " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    api.timing.layout = Math.round(performance.now() - T0);
    if (BIG) placeLeaves();
    network.fit(); settled();
  });
  network.once("stabilized", settled);
  if (!DATA.nodes.length) settled();
  setTimeout(function () { if (!api.ready) { network.stopSimulation(); settled(); } }, 20000);

  // vis hides its tooltip only on moves inside the canvas (and may show it late, from a timer):
  // hide it whenever the pointer is outside the graph
  var pointerInside = false;
  function hideTooltips() {
    document.querySelectorAll("#graph div.vis-tooltip").forEach(function (t) { t.style.visibility = "hidden"; });
  }
  $("graph").addEventListener("mouseenter", function () { pointerInside = true; });
  $("graph").addEventListener("mousemove", function () { pointerInside = true; });
  $("graph").addEventListener("mouseleave", function () { pointerInside = false; hideTooltips(); });
  network.on("showPopup", function () { if (!pointerInside) hideTooltips(); });

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0], true);
    else if (p.edges.length) showEdge(p.edges[0], true);
  });

  function applyFilters() {
    visible = computeVisibility();
    var nu = [], eu = [];
    DATA.nodes.forEach(function (n) {
      var h = !visible.nodes[n.id];
      if (h !== hidden[n.id]) { hidden[n.id] = h; nu.push({ id: n.id, hidden: h }); }
    });
    DATA.edges.forEach(function (e) {
      var h = !visible.edges[e.id];
      if (h !== hidden[e.id]) { hidden[e.id] = h; eu.push({ id: e.id, hidden: h }); }
    });
    if (nu.length) nodes.update(nu);
    if (eu.length) edges.update(eu);
    updateCounts();
  }

  // ---- header counts -------------------------------------------------------------------------
  function updateCounts() {
    var nc = 0, nr = 0, ne = 0;
    DATA.nodes.forEach(function (n) { if (!hidden[n.id]) { if (n.kind === "company") nc++; else nr++; } });
    DATA.edges.forEach(function (e) { if (!hidden[e.id]) ne++; });
    var t = plural(META.companies, "company", "companies") + " · " + plural(META.recipients, "recipient") +
            " (" + META.shared + " shared) · " + plural(META.edges, "link") + " · " + plural(META.flows, "flow");
    t += "  —  drawn: " + nc + " companies, " + nr + " recipients, " + ne + " links";
    if (META.pageBytes) t += "  ·  page " + Math.round(parseInt(META.pageBytes, 10) / 1024) + " KiB";
    $("counts").textContent = t;
  }

  // ---- left panel: legend / filters -------------------------------------------------------
  var legend = $("legend");
  DATA.categories.forEach(function (c) {
    var box = el("input", { type: "checkbox", "data-cat": c.code });
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) state.cats.add(c.code); else state.cats.delete(c.code);
      applyFilters();
    });
    var sw = el("span", { cls: "sw", bg: c.color });
    legend.appendChild(el("li", null, [el("label", null, [box, sw, c.label, el("span", { cls: "n", text: String(c.count) })])]));
  });
  function setAllCats(on) {
    legend.querySelectorAll("input[type=checkbox]").forEach(function (b) { b.checked = on; });
    state.cats = new Set(on ? DATA.categories.map(function (c) { return c.code; }) : []);
    applyFilters();
  }
  $("cat-all").addEventListener("click", function () { setAllCats(true); });
  $("cat-none").addEventListener("click", function () { setAllCats(false); });

  var sel = $("data-filter");
  sel.appendChild(el("option", { value: "" }, ["All data categories (" + DATA.dataCategories.length + ")"]));
  DATA.dataCategories.forEach(function (d) {
    var o = el("option", null, [d[0] + " (" + d[1] + ")"]);
    o.value = d[0];
    sel.appendChild(o);
  });
  sel.addEventListener("change", function () { state.data = sel.value; applyFilters(); });

  var tu = $("toggle-unnamed");
  tu.checked = state.unnamed;
  $("unnamed-count").textContent = "(" + META.unnamed + ")";
  tu.addEventListener("change", function () { state.unnamed = tu.checked; applyFilters(); });
  var ts = $("toggle-shared");
  ts.addEventListener("change", function () { state.sharedOnly = ts.checked; applyFilters(); });

  // ---- search -------------------------------------------------------------------------------
  var dl = $("names");
  var listed = new Set();
  DATA.nodes.concat(DATA.nodes).forEach(function (n, i) {
    var names = i < DATA.nodes.length ? [n.label] : (n.products || []);
    names.forEach(function (name) {
      if (listed.has(name)) return;
      listed.add(name);
      var o = document.createElement("option"); o.value = name; dl.appendChild(o);
    });
  });
  function find(q) {
    q = String(q || "").trim().toLowerCase();
    if (!q) return null;
    var ids = idsByLabel[q];
    if (!ids) {
      var pre = [], sub = [];
      searchNames.forEach(function (s) {
        var at = s[0].indexOf(q);
        if (at === 0) pre.push(s[1]); else if (at > 0) sub.push(s[1]);
      });
      ids = pre.length ? pre : sub;
    }
    if (!ids || !ids.length) return null;
    var vis0 = ids.filter(function (id) { return !hidden[id]; });
    return (vis0.length ? vis0 : ids)[0];
  }
  function runSearch() {
    var box = $("search"), msg = $("search-msg");
    var id = find(box.value);
    if (!id) { msg.textContent = box.value.trim() ? "not found" : ""; return; }
    msg.textContent = hidden[id] ? "hidden by filters" : "";
    showNode(id, false);
    focusNode(id);
  }
  $("search").addEventListener("change", runSearch);
  $("search").addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); runSearch(); } });

  function focusNode(id) {
    if (hidden[id]) return;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  }
  function selectEdge(id) {
    if (hidden[id]) return;
    network.selectEdges([id]);
  }

  // ---- tabs ---------------------------------------------------------------------------------
  var tabs = document.querySelectorAll("#tabs button");
  function openTab(name) {
    tabs.forEach(function (b) { b.classList.toggle("active", b.getAttribute("data-tab") === name); });
    document.querySelectorAll(".tab").forEach(function (s) { s.classList.toggle("active", s.id === "tab-" + name); });
  }
  tabs.forEach(function (b) { b.addEventListener("click", function () { openTab(b.getAttribute("data-tab")); }); });

  // ---- details panel ---------------------------------------------------------------------------
  var panel = $("panel");
  function kindBadge(n) {
    if (n.kind === "company") return el("span", { cls: "kind", text: "company" });
    var c = catOf(n);
    return el("span", { cls: "kind", bg: c.color, text: c.label + (n.kind === "unnamed" ? " · unnamed" : "") });
  }
  function sharedBadge(n) {
    return n.shared ? el("span", { cls: "badge", text: "◆ shared by " + n.companies + " companies" }) : null;
  }

  function showHint() {
    clear(panel).appendChild(el("p", { cls: "hint", text: "Click a company, a recipient or a link between them to see the data, purposes, countries and the policy sentences behind it. Hover for a summary." }));
    panel.appendChild(kv([
      ["Companies", String(META.companies)],
      ["Recipients", META.named + " named, " + META.unnamed + " unnamed"],
      ["Shared", plural(META.shared, "organisation") + " used by ≥ 2 companies"],
      ["Links", META.edges + " (" + plural(META.flows, "flow") + ")"]
    ]));
    if (DATA.mostShared.length) {
      panel.appendChild(el("h4", { text: "Most shared" }));
      var ul = el("ul", { cls: "plain" });
      DATA.mostShared.slice(0, 8).forEach(function (b) {
        ul.appendChild(el("li", null, [linkBtn(b.organization, function () { showNode(b.id, false); focusNode(b.id); }),
          " — " + plural(b.companies.length, "company", "companies") + ", " + plural(b.data.length, "data category", "data categories")]));
      });
      panel.appendChild(ul);
    }
  }

  function showNode(id, fromGraph) {
    var n = nodeById[id];
    if (!n) return;
    openTab("details");
    clear(panel);
    panel.appendChild(el("div", null, [kindBadge(n), " ", sharedBadge(n)]));
    panel.appendChild(el("h3", { text: n.label }));
    var es = edgesOf[id].map(function (x) { return edgeById[x]; });
    if (n.kind === "company") {
      var data = new Set();
      es.forEach(function (e) { e.data.forEach(function (d) { data.add(d); }); });
      panel.appendChild(kv([
        ["Country", n.countries.join(", ") || "unknown"],
        ["Policy", n.sources.map(basename).join(", ") || "—"],
        ["Recipients", String(es.length)]
      ]));
      panel.appendChild(el("h4", { text: "Recipients" }));
      var tb = el("tbody");
      es.slice().sort(function (a, b) { return nodeById[b.to].companies - nodeById[a.to].companies || nodeById[a.to].label.localeCompare(nodeById[b.to].label); })
        .forEach(function (e) {
          var r = nodeById[e.to];
          tb.appendChild(el("tr", null, [
            el("td", null, [el("span", { cls: "sw", bg: catOf(r).color }), " ", linkBtn(r.label, function () { showEdge(e.id, false); selectEdge(e.id); })]),
            el("td", { text: e.actions.join(", ") }),
            el("td", { cls: "num", text: String(e.data.length) }),
            el("td", { cls: "num", text: r.shared ? "◆ " + r.companies : "" })
          ]));
        });
      panel.appendChild(el("table", { cls: "t" }, [el("thead", null, [el("tr", null, [
        el("th", { text: "Recipient" }), el("th", { text: "Action" }), el("th", { text: "Data" }), el("th", { text: "Shared" })])]), tb]));
      panel.appendChild(el("h4", { text: "Data categories sent out" }));
      panel.appendChild(chips(Array.from(data).sort(), state.data));
      var reached = new Set();
      es.forEach(function (e) { e.countries.forEach(function (c) { reached.add(c); }); });
      panel.appendChild(el("h4", { text: "Recipient countries" }));
      panel.appendChild(chips(Array.from(reached).sort()));
      var ov = DATA.overlap.filter(function (r) { return r.aId === id || r.bId === id; });
      if (ov.length) {
        panel.appendChild(el("h4", { text: "Overlap with other companies" }));
        var ul = el("ul", { cls: "plain" });
        ov.slice(0, 15).forEach(function (r) {
          var other = r.aId === id ? r.b : r.a;
          ul.appendChild(el("li", null, [linkBtn(other, function () { showPair(r); }),
            " — " + r.shared.length + " shared, Jaccard " + r.jaccard.toFixed(2)]));
        });
        panel.appendChild(ul);
      }
    } else {
      panel.appendChild(kv([
        ["Category", catOf(n).label],
        ["Used by", plural(n.companies, "company", "companies")],
        ["Countries", n.countries.join(", ") || "not stated"],
        ["Actions", n.actions.join(", ") || "—"]
      ]));
      panel.appendChild(el("h4", { text: "Named in policies as" }));
      panel.appendChild(chips(n.products));
      panel.appendChild(el("h4", { text: "Blast radius: companies exposed (" + es.length + ")" }));
      var ul2 = el("ul", { cls: "plain" });
      es.slice().sort(function (a, b) { return nodeById[a.from].label.localeCompare(nodeById[b.from].label); }).forEach(function (e) {
        ul2.appendChild(el("li", null, [linkBtn(nodeById[e.from].label, function () { showEdge(e.id, false); selectEdge(e.id); }),
          " — " + plural(e.data.length, "data category", "data categories")]));
      });
      panel.appendChild(ul2);
      panel.appendChild(el("h4", { text: "Blast radius: data categories exposed (" + n.data.length + ")" }));
      panel.appendChild(chips(n.data, state.data));
    }
    panel.appendChild(linkEvidence(es.slice().sort(function (a, b) {
      return nodeById[n.kind === "company" ? a.to : a.from].label.localeCompare(nodeById[n.kind === "company" ? b.to : b.from].label);
    }), n.kind === "company"));
    if (!fromGraph && !hidden[id]) network.selectNodes([id]);
  }

  function edgeSources(e) {
    var s = new Set();
    e.flows.forEach(function (f) { f.evidence.forEach(function (ev) { if (DATA.sources[ev[1]]) s.add(DATA.sources[ev[1]]); }); });
    if (!s.size) nodeById[e.from].sources.forEach(function (x) { s.add(x); });
    return Array.from(s).sort();
  }
  function policyIri(source) { var i = DATA.sources.indexOf(source); return i >= 0 ? DATA.policies[i] || "" : ""; }
  function showEdge(id, fromGraph) {
    var e = edgeById[id];
    if (!e) return;
    var from = nodeById[e.from], to = nodeById[e.to];
    openTab("details");
    clear(panel);
    panel.appendChild(el("div", null, [kindBadge(to), " ", sharedBadge(to)]));
    panel.appendChild(el("h3", null, [
      linkBtn(from.label, function () { showNode(from.id, false); focusNode(from.id); }), " → ",
      linkBtn(to.label, function () { showNode(to.id, false); focusNode(to.id); })]));
    panel.appendChild(kv([
      ["Action", e.actions.map(actionText).join("; ") || "—"],
      ["Countries", el("span", null, [edgeCountries(e), e.crossBorder ? el("span", { cls: "xb", text: "  cross-border" }) : "  (no cross-border transfer stated)"])],
      ["Policy", el("span", null, edgeSources(e).map(function (s) {
        return el("span", { title: s }, [basename(s), el("div", { cls: "cite", text: policyIri(s) })]);
      }))]
    ]));
    panel.appendChild(el("h4", { text: "Recipient products named" }));
    panel.appendChild(chips(e.products));
    panel.appendChild(el("h4", { text: "Data categories" }));
    panel.appendChild(chips(e.data, state.data));
    panel.appendChild(el("h4", { text: "Purposes" }));
    panel.appendChild(chips(e.purposes));
    if (e.flows.length > 1) {
      panel.appendChild(el("h4", { text: "Flows (" + e.flows.length + ")" }));
      var tb = el("tbody");
      e.flows.forEach(function (f) {
        tb.appendChild(el("tr", null, [el("td", { text: f.product }), el("td", { text: f.action }),
          el("td", { text: (f.recipientCountry || "?") + (f.crossBorder ? " ✈" : "") }), el("td", { text: f.data.join(", ") })]));
      });
      panel.appendChild(el("table", { cls: "t" }, [el("thead", null, [el("tr", null, [
        el("th", { text: "Product" }), el("th", { text: "Action" }), el("th", { text: "Country" }), el("th", { text: "Data" })])]), tb]));
    }
    var ev = evidence(e);
    panel.appendChild(el("h4", { text: "Evidence (" + plural(ev.count, "sentence") + ")" }));
    panel.appendChild(ev.list);
    if (!fromGraph && !hidden[id]) network.selectEdges([id]);
  }

  // the sentences behind a link, deduplicated across its flows, each with its policy and offsets
  function evidence(e) {
    var seen = {}, items = [];
    e.flows.forEach(function (f) {
      f.evidence.forEach(function (ev) {
        var key = ev.join("|");
        if (!seen[key]) { seen[key] = { ev: ev, via: [] }; items.push(seen[key]); }
        var via = f.product + " / " + f.action;
        if (seen[key].via.indexOf(via) < 0) seen[key].via.push(via);
      });
    });
    items.sort(function (a, b) { return a.ev[1] - b.ev[1] || a.ev[2] - b.ev[2]; });
    if (!items.length) return { count: 0, list: el("p", { cls: "muted", text: "no sentence recorded" }) };
    var ol = el("ol", { cls: "evidence" });
    items.forEach(function (it) {
      var src = DATA.sources[it.ev[1]] || "";
      var where = basename(src) + (it.ev[2] >= 0 ? " · chars " + it.ev[2] + "–" + it.ev[3] : "");
      ol.appendChild(el("li", null, [
        el("blockquote", { cls: "sentence" }, [DATA.sentences[it.ev[0]]]),
        el("div", { cls: "cite", title: src + "\n" + (DATA.policies[it.ev[1]] || "") }, [where + " · " + it.via.join("; ")])
      ]));
    });
    return { count: items.length, list: ol };
  }

  // a node's links, each one a foldable block with its action, data, purposes, countries and evidence
  function linkEvidence(es, company) {
    var box = el("div");
    var purposes = new Set();
    es.forEach(function (e) { e.purposes.forEach(function (p) { purposes.add(p); }); });
    box.appendChild(el("h4", { text: "Purposes" }));
    box.appendChild(chips(Array.from(purposes).sort()));
    box.appendChild(el("h4", { text: "Evidence, by " + (company ? "recipient" : "company") }));
    es.forEach(function (e) {
      var other = nodeById[company ? e.to : e.from], ev = evidence(e);
      var d = el("details", { cls: "link-ev" }, [
        el("summary", null, [other.label + " — " + e.actions.join(", ") + " · " + edgeCountries(e) + " · " + plural(ev.count, "sentence")]),
        el("div", { cls: "muted", text: "data: " + (e.data.join(", ") || "none stated") + " · purposes: " + (e.purposes.join(", ") || "not stated") }),
        ev.list]);
      d.open = es.length <= 3;
      box.appendChild(d);
    });
    return box;
  }

  function showPair(r) {
    openTab("details");
    clear(panel);
    panel.appendChild(el("span", { cls: "kind", text: "company overlap" }));
    panel.appendChild(el("h3", { text: r.a + " ∩ " + r.b }));
    panel.appendChild(kv([["Shared", String(r.shared.length)], ["Jaccard", r.jaccard.toFixed(3)]]));
    panel.appendChild(el("h4", { text: "Shared recipients" }));
    var ul = el("ul", { cls: "plain" });
    r.shared.forEach(function (org) {
      var id = "o:" + org;
      ul.appendChild(el("li", null, [linkBtn(org, function () { showNode(id, false); focusNode(id); }),
        nodeById[id] ? " — " + catOf(nodeById[id]).label : ""]));
    });
    panel.appendChild(ul);
    var ids = [r.aId, r.bId].filter(function (x) { return x && !hidden[x]; });
    if (ids.length) {
      network.selectNodes(ids);
      network.fit({ nodes: ids.concat(r.shared.map(function (o) { return "o:" + o; }).filter(function (x) { return nodeById[x] && !hidden[x]; })),
                    animation: { duration: 400 } });
    }
  }

  // ---- overlap tab ------------------------------------------------------------------------------
  function buildOverlap() {
    var root = clear($("overlap-panel"));
    root.appendChild(el("p", { cls: "note", text: META.overlapPairs + " pairs of companies share at least one named recipient" +
      (META.overlapShown < META.overlapPairs ? " (the " + META.overlapShown + " most similar shown)" : "") +
      ". Jaccard = shared ÷ all recipients of the two." }));
    if (!DATA.overlap.length) return;
    var filt = el("input", { cls: "filter-in", type: "search", placeholder: "Filter by company…", "aria-label": "Filter overlap by company" });
    root.appendChild(filt);
    var tb = el("tbody");
    var rows = DATA.overlap.map(function (r) {
      var tr = el("tr", { cls: "click", onclick: function () { showPair(r); } }, [
        el("td", { text: r.a }), el("td", { text: r.b }),
        el("td", { cls: "num", text: String(r.shared.length), title: r.shared.join(", ") }),
        el("td", { cls: "num", text: r.jaccard.toFixed(2) })]);
      tb.appendChild(tr);
      return { tr: tr, key: (r.a + "\u0000" + r.b).toLowerCase() };
    });
    root.appendChild(el("table", { cls: "t", id: "overlap-table" }, [el("thead", null, [el("tr", null, [
      el("th", { text: "Company A" }), el("th", { text: "Company B" }), el("th", { text: "Shared" }), el("th", { text: "Jaccard" })])]), tb]));
    filt.addEventListener("input", function () {
      var q = filt.value.trim().toLowerCase();
      rows.forEach(function (r) { r.tr.style.display = !q || r.key.indexOf(q) >= 0 ? "" : "none"; });
    });
  }

  // ---- most shared tab ---------------------------------------------------------------------------
  function buildShared() {
    var root = clear($("shared-panel"));
    root.appendChild(el("p", { cls: "note", text: "Named organisations by how many companies send them personal data: if one is breached, these companies and data categories are exposed (blast radius)." +
      (META.sharedShown < META.sharedRecipients ? " Top " + META.sharedShown + " of " + META.sharedRecipients + "." : "") }));
    if (!DATA.mostShared.length) return;
    var tb = el("tbody");
    DATA.mostShared.forEach(function (b) {
      var n = nodeById[b.id];
      tb.appendChild(el("tr", { cls: "click", onclick: function () { showNode(b.id, false); focusNode(b.id); } }, [
        el("td", null, [el("span", { cls: "sw", bg: catOf(n).color }), " ", b.organization,
                        el("div", { cls: "muted", text: catOf(n).label })]),
        el("td", null, [el("b", { text: String(b.companies.length) }), el("div", { cls: "muted", text: short(b.companies, 4) })]),
        el("td", null, [el("b", { text: String(b.data.length) }), el("div", { cls: "muted", text: short(b.data, 4) })])
      ]));
    });
    root.appendChild(el("table", { cls: "t", id: "shared-table" }, [el("thead", null, [el("tr", null, [
      el("th", { text: "Recipient" }), el("th", { text: "Companies" }), el("th", { text: "Data categories" })])]), tb]));
  }

  buildOverlap();
  buildShared();
  showHint();
  updateCounts();
})();
