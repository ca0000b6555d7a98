/* pikg graph view. Every string from the data is shown with textContent or as a canvas label:
   never innerHTML, never a URL that is not checked. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var meta = data.meta;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeHref(href) {
    try {
      var url = new URL(href, document.baseURI);
      return ["http:", "https:", "file:"].indexOf(url.protocol) >= 0 ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // --- notices --------------------------------------------------------------------------
  var noticeBox = document.getElementById("kg-notices");
  data.notices.forEach(function (text) {
    noticeBox.appendChild(el("p", "kg-notice", text));
  });

  // --- network --------------------------------------------------------------------------
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var active = {};  // facet -> selected value ("" = all)

  function visible(node) {
    var entry = meta[node.id];
    for (var facet in active) {
      if (active[facet] && entry.facets[facet] !== active[facet]) return false;
    }
    return true;
  }

  var nodeView = new vis.DataView(nodes, { filter: visible });
  var groups = {};
  data.legend.nodes.forEach(function (item) {
    groups[item.kind] = { color: { background: item.color, border: item.color }, shape: item.shape };
  });
  data.options.groups = groups;

  var container = document.getElementById("kg-graph");
  var network = new vis.Network(container, { nodes: nodeView, edges: edges }, data.options);

  window.kgReady = false;
  network.once("afterDrawing", function () {
    window.kgReadyAt = performance.now();
    window.kgReady = true;
  });

  // --- details panel --------------------------------------------------------------------
  var details = document.getElementById("kg-details");

  function showDetails(id) {
    var entry = meta[id];
    details.replaceChildren(el("h2", null, "Details"));
    if (!entry) {
      details.appendChild(el("p", "kg-hint", "Click a node to see its text and where it comes from."));
      return;
    }
    details.appendChild(el("p", "kg-kind", entry.kindLabel));
    details.appendChild(el("p", "kg-label", entry.label));
    if (entry.source) details.appendChild(el("p", "kg-source", entry.source));
    var list = el("dl");
    entry.details.forEach(function (pair) {
      list.appendChild(el("dt", null, pair[0]));
      list.appendChild(el("dd", null, pair[1]));
    });
    details.appendChild(list);
    if (data.auditHref) {
      var href = safeHref(data.auditHref + "#node=" + encodeURIComponent(id));
      if (href) {
        var link = el("a", "kg-backlink", "Show in audit report");
        link.href = href;
        details.appendChild(link);
      }
    }
    var idLine = el("p", "kg-id", id);
    details.appendChild(idLine);
  }

  function select(id, focus) {
    if (!meta[id]) return false;
    if (nodeView.get(id) === null) {  // filtered away: clear filters so it can be shown
      Object.keys(active).forEach(function (facet) { active[facet] = ""; });
      document.querySelectorAll("#kg-filters select").forEach(function (s) { s.value = ""; });
      nodeView.refresh();
    }
    network.selectNodes([id]);
    showDetails(id);
    if (focus) network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    return true;
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      showDetails(params.nodes[0]);
      history.replaceState(null, "", "#node=" + encodeURIComponent(params.nodes[0]));
    } else {
      showDetails(null);
    }
  });

  // --- tooltip (text only) --------------------------------------------------------------
  var tooltip = document.getElementById("kg-tooltip");
  network.on("hoverNode", function (params) {
    var entry = meta[params.node];
    if (!entry) return;
    tooltip.replaceChildren(el("strong", null, entry.label));
    if (entry.source) tooltip.appendChild(el("div", "kg-source", entry.source));
    tooltip.appendChild(el("div", "kg-kind", entry.kindLabel));
    var box = container.getBoundingClientRect();
    tooltip.style.left = Math.round(box.left + params.pointer.DOM.x + 14) + "px";
    tooltip.style.top = Math.round(box.top + params.pointer.DOM.y + 14) + "px";
    tooltip.hidden = false;
  });
  network.on("blurNode", function () { tooltip.hidden = true; });
  network.on("dragStart", function () { tooltip.hidden = true; });

  // --- legend ---------------------------------------------------------------------------
  var legend = document.getElementById("kg-legend");
  function legendRow(item, isEdge) {
    var row = el("div", "kg-legend-row");
    var swatch = el("span", isEdge ? "kg-swatch-edge" : "kg-swatch");
    if (isEdge) {
      swatch.style.borderTopColor = item.color;
      swatch.style.borderTopStyle = item.dashes ? "dashed" : "solid";
    } else {
      swatch.style.backgroundColor = item.color;
      if (item.shape === "box" || item.shape === "square") swatch.style.borderRadius = "2px";
      if (item.shape === "diamond") swatch.style.transform = "rotate(45deg) scale(0.8)";
    }
    row.appendChild(swatch);
    row.appendChild(el("span", null, item.label));
    return row;
  }
  data.legend.nodes.forEach(function (item) { legend.appendChild(legendRow(item, false)); });
  data.legend.edges.forEach(function (item) { legend.appendChild(legendRow(item, true)); });
  var flaggedRow = el("div", "kg-legend-row");
  var ring = el("span", "kg-swatch kg-swatch-flag");
  flaggedRow.appendChild(ring);
  flaggedRow.appendChild(el("span", null, "red ring: defective or flagged"));
  legend.appendChild(flaggedRow);

  // --- filters --------------------------------------------------------------------------
  var facetNames = { department: "Department", kind: "Kind", severity: "Severity" };
  var filters = document.getElementById("kg-filters");
  Object.keys(data.facets).forEach(function (facet) {
    var label = el("label", "kg-filter", facetNames[facet] || facet);
    var selectBox = el("select");
    selectBox.id = "kg-filter-" + facet;
    selectBox.appendChild(new Option("all", ""));
    data.facets[facet].forEach(function (value) { selectBox.appendChild(new Option(value, value)); });
    selectBox.addEventListener("change", function () {
      active[facet] = selectBox.value;
      nodeView.refresh();
      network.fit({ animation: false });
    });
    active[facet] = "";
    label.appendChild(selectBox);
    filters.appendChild(label);
  });

  // --- search ---------------------------------------------------------------------------
  var haystack = {};
  Object.keys(meta).forEach(function (id) {
    var entry = meta[id];
    var parts = [entry.label, entry.source || ""];
    entry.details.forEach(function (pair) { parts.push(pair[1]); });
    haystack[id] = parts.join("\n").toLowerCase();
  });
  var searchBox = document.getElementById("kg-search");
  var searchCount = document.getElementById("kg-search-count");
  var matches = [];
  var matchIndex = 0;
  var lastQuery = "";

  function search(text) {
    var query = text.trim().toLowerCase();
    matches = [];
    matchIndex = 0;
    if (!query) {
      searchCount.textContent = "";
      network.unselectAll();
      return;
    }
    Object.keys(haystack).forEach(function (id) {
      if (haystack[id].indexOf(query) >= 0 && nodeView.get(id) !== null) matches.push(id);
    });
    searchCount.textContent = matches.length + (matches.length === 1 ? " match" : " matches");
    if (matches.length) {
      network.selectNodes(matches.slice(0, 2000));
      showDetails(matches[0]);
      network.focus(matches[0], { scale: Math.max(network.getScale(), 1.0), animation: false });
    }
  }

  document.getElementById("kg-toolbar").addEventListener("submit", function (event) {
    event.preventDefault();
    if (matches.length > 1 && searchBox.value.trim().toLowerCase() === lastQuery) {
      matchIndex = (matchIndex + 1) % matches.length;  // Enter again: next match
      showDetails(matches[matchIndex]);
      network.focus(matches[matchIndex], { animation: false });
      return;
    }
    lastQuery = searchBox.value.trim().toLowerCase();
    search(searchBox.value);
  });
  searchBox.addEventListener("search", function () {
    lastQuery = searchBox.value.trim().toLowerCase();
    search(searchBox.value);
  });
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.fit({ animation: false });
  });

  // --- deep links: #node=<id>, ?focus=<id>, #q=<text> -----------------------------------
  function fromLocation() {
    var hash = new URLSearchParams(location.hash.replace(/^#/, ""));
    var query = new URLSearchParams(location.search);
    var target = hash.get("node") || query.get("focus");
    if (target && select(target, true)) return;
    var q = hash.get("q") || query.get("q");
    if (q) {
      searchBox.value = q;
      lastQuery = q.trim().toLowerCase();
      search(q);
    }
  }
  window.addEventListener("hashchange", fromLocation);
  fromLocation();

  window.kgView = { network: network, nodes: nodes, edges: edges, select: select, meta: meta };
})();
