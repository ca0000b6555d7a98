/* pikg graph view. Every string from the data is shown with textContent or as a canvas label:
   never innerHTML, never a URL that is not checked.

   Box layouts ("tree", "grid") are laid out here, not in Python, because only the browser can
   measure how wide a label is (CJK text is twice as wide as Latin). A tree opens on its roots
   and their children; everything deeper is folded into its parent until clicked, searched
   or filtered, so the first screen stays readable ("overview first, details on demand"). */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var meta = data.meta;
  var mode = data.mode;                     // "tree" | "grid" | "graph"
  var boxes = mode === "tree" || mode === "grid";
  var MAX_DRAWN = 150;                      // nodes opened automatically, at most
  var CRISP_PX = 12;                        // opened automatically only if labels stay this big
  var FONT = data.options.nodes.font.face;

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

  function markReady() {
    window.kgReadyAt = performance.now();
    window.kgReady = true;
    document.documentElement.setAttribute("data-kg-ready", "1");  // tests wait on this
  }

  // --- notices and the empty state ------------------------------------------------------
  var noticeBox = document.getElementById("kg-notices");
  data.notices.forEach(function (text) {
    noticeBox.appendChild(el("p", "kg-notice", text));
  });
  var container = document.getElementById("kg-graph");
  if (!data.nodes.length) {
    var empty = el("div", "kg-empty");
    empty.appendChild(el("p", null, "Nothing to draw: this view is empty."));
    if (data.empty) empty.appendChild(el("pre", null, data.empty));
    container.appendChild(empty);
    window.kgView = { empty: true, meta: meta };
    markReady();
    return;
  }

  // --- data -----------------------------------------------------------------------------
  var records = {};
  data.nodes.forEach(function (node) { records[node.id] = node; });
  var refs = {};  // IRI → first drawn copy of it (e.g. a cluster member)
  Object.keys(meta).forEach(function (id) {
    var ref = meta[id].ref;
    if (ref && !meta[ref] && !refs[ref]) refs[ref] = id;
  });
  var edgeLabels = {};
  data.edges.forEach(function (edge) {
    if (boxes && edge.label) { edgeLabels[edge.id] = edge.label; delete edge.label; }
  });

  var nodes = new vis.DataSet(boxes ? [] : data.nodes);
  var edges = new vis.DataSet(boxes ? [] : data.edges);
  var active = {};  // facet -> selected value ("" = all)

  function passes(id) {
    var entry = meta[id];
    for (var facet in active) {
      if (active[facet] && entry.facets[facet] !== active[facet]) return false;
    }
    return true;
  }
  function filtering() {
    return Object.keys(active).some(function (facet) { return active[facet]; });
  }

  var groups = data.groups;  // box layouts: one style per kind (and per flagged kind)
  if (!boxes) {
    data.legend.nodes.forEach(function (item) {
      groups[item.kind] = { color: { background: item.color, border: item.color }, shape: item.shape };
    });
  }
  data.options.groups = groups;
  var nodeView = boxes ? nodes : new vis.DataView(nodes, { filter: function (n) { return passes(n.id); } });
  var network = new vis.Network(container, { nodes: nodeView, edges: edges }, data.options);
  window.kgReady = false;

  // --- measuring labels -----------------------------------------------------------------
  function fontOf(id) {
    var style = groups[records[id].group];
    return (style && style.font && style.font.size) || 14;
  }

  var measureCtx = document.createElement("canvas").getContext("2d");
  var sizeCache = {};
  function boxSize(id, label) {
    var key = id + "\u0000" + label;
    if (sizeCache[key]) return sizeCache[key];
    var style = groups[records[id].group] || {};
    var font = fontOf(id);
    measureCtx.font = font + "px " + FONT;
    var lines = label.split("\n");
    var width = 0;
    lines.forEach(function (line) { width = Math.max(width, measureCtx.measureText(line).width); });
    var border = style.borderWidth || 1;
    var size = { w: width + 10 + 2 * border + 4, h: lines.length * font * 1.2 + 10 + 2 * border + 4 };
    sizeCache[key] = size;
    return size;
  }

  // --- the tree: what is open, what is drawn --------------------------------------------
  var tree = data.tree || { roots: [], children: {} };
  var children = tree.children;
  var parentOf = {};
  Object.keys(children).forEach(function (parent) {
    children[parent].forEach(function (child) { parentOf[child] = parent; });
  });
  var opened = {};
  var shownRoots = tree.rootList ? tree.roots.slice(0, 1) : tree.roots.slice();
  var hasMatch = null;  // when filtering: id → subtree holds a node that passes the filters

  function rootOf(id) {
    while (parentOf[id] !== undefined) id = parentOf[id];
    return id;
  }

  function computeMatches() {
    if (!filtering()) { hasMatch = null; return; }
    hasMatch = {};
    function visit(id) {  // iterative post-order
      var stack = [[id, false]];
      while (stack.length) {
        var top = stack.pop();
        var node = top[0];
        if (top[1]) {
          var any = passes(node);
          (children[node] || []).forEach(function (c) { any = any || hasMatch[c]; });
          hasMatch[node] = any;
        } else {
          stack.push([node, true]);
          (children[node] || []).forEach(function (c) { stack.push([c, false]); });
        }
      }
    }
    tree.roots.forEach(visit);
  }

  function kidsShown(id) {
    var kids = children[id] || [];
    if (hasMatch) kids = kids.filter(function (c) { return hasMatch[c]; });
    return kids;
  }

  function currentRoots() {
    var roots = shownRoots;
    if (hasMatch) roots = roots.filter(function (r) { return hasMatch[r]; });
    return roots;
  }

  var captions = true;  // second label lines (counts, money); dropped when they do not fit
  function labelOf(id) {
    var label = records[id].label;
    if (captions && meta[id].caption) label += "\n" + meta[id].caption;
    var kids = kidsShown(id);
    if (mode === "tree" && kids.length && !opened[id]) {
      var lines = label.split("\n");
      lines[0] += "  [+" + kids.length + "]";
      label = lines.join("\n");
    }
    return label;
  }

  function visibleIds() {
    if (mode === "grid") return data.nodes.map(function (n) { return n.id; }).filter(passes);
    var out = [];
    currentRoots().forEach(function (root) {
      var stack = [root];
      while (stack.length) {
        var id = stack.pop();
        out.push(id);
        if (opened[id]) {
          var kids = kidsShown(id);
          for (var i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
        }
      }
    });
    return out;
  }

  // --- layouts ---------------------------------------------------------------------------
  var GAP_X = 56, GAP_Y = 6, BLOCK_GAP = 12, COLUMN_GAP = 48;

  function layoutBlock(root, labels) {
    var pos = {}, depthWidth = [], cursor = 0;
    function place(id, depth) {
      var size = boxSize(id, labels[id]);
      depthWidth[depth] = Math.max(depthWidth[depth] || 0, size.w);
      var kids = opened[id] ? kidsShown(id) : [];
      var y;
      if (!kids.length) {
        y = cursor + size.h / 2;
        cursor += size.h + GAP_Y;
      } else {
        kids.forEach(function (kid) { place(kid, depth + 1); });
        y = (pos[kids[0]].y + pos[kids[kids.length - 1]].y) / 2;
      }
      pos[id] = { depth: depth, y: y, w: size.w, h: size.h };
    }
    place(root, 0);
    var left = [0];
    for (var d = 1; d < depthWidth.length; d++) left[d] = left[d - 1] + depthWidth[d - 1] + GAP_X;
    var top = Infinity, bottom = -Infinity;
    Object.keys(pos).forEach(function (id) {
      var p = pos[id];
      p.x = left[p.depth] + p.w / 2;  // columns are left-aligned, so edges never cross a box
      top = Math.min(top, p.y - p.h / 2);
      bottom = Math.max(bottom, p.y + p.h / 2);
    });
    var width = left[depthWidth.length - 1] + depthWidth[depthWidth.length - 1];
    return { pos: pos, width: width, top: top, height: bottom - top };
  }

  function viewportSize() {
    return { w: Math.max(container.clientWidth, 300), h: Math.max(container.clientHeight, 300) };
  }

  function fitScale(width, height) {
    var view = viewportSize();
    return Math.min(1, view.w / (1.1 * width), view.h / (1.1 * height));
  }

  // Blocks (one per root) are stacked into columns; the column count that gives the largest
  // fitted zoom wins, so a forest of many small trees fills a wide screen instead of a strip.
  function packBlocks(blocks) {
    var best = null;
    var total = blocks.reduce(function (sum, b) { return sum + b.height + BLOCK_GAP; }, 0);
    var tallest = blocks.reduce(function (m, b) { return Math.max(m, b.height); }, 0);
    var targets = [];
    for (var k = 1; k <= Math.min(blocks.length, 12); k++) {
      [1, 1.08, 1.2, 1.35].forEach(function (slack) { targets.push(Math.max(total / k * slack, tallest)); });
    }
    targets.forEach(function (target) {
      var columns = [[]], heights = [0];
      blocks.forEach(function (block) {
        var c = columns.length - 1;
        if (columns[c].length && heights[c] + block.height > target * 1.02) {
          columns.push([]); heights.push(0); c++;
        }
        columns[c].push(block);
        heights[c] += block.height + BLOCK_GAP;
      });
      var width = 0, placed = [];
      columns.forEach(function (column, ci) {
        var colWidth = 0, y = 0;
        column.forEach(function (block) {
          placed.push({ block: block, x: width, y: y - block.top });
          y += block.height + BLOCK_GAP;
          colWidth = Math.max(colWidth, block.width);
        });
        width += colWidth + (ci < columns.length - 1 ? COLUMN_GAP : 0);
      });
      var height = Math.max.apply(null, heights) - BLOCK_GAP;
      var scale = fitScale(width, height);
      if (!best || scale > best.scale + 1e-9) best = { scale: scale, placed: placed };
    });
    var positions = {};
    best.placed.forEach(function (item) {
      Object.keys(item.block.pos).forEach(function (id) {
        var p = item.block.pos[id];
        positions[id] = { x: item.x + p.x, y: item.y + p.y };
      });
    });
    return { positions: positions, scale: best.scale };
  }

  function treeLayout(ids) {
    var labels = {};
    ids.forEach(function (id) { labels[id] = labelOf(id); });
    var blocks = currentRoots().map(function (root) { return layoutBlock(root, labels); });
    var packed = packBlocks(blocks);
    packed.labels = labels;
    return packed;
  }

  function gridLayout(ids) {
    var colWidth = {}, rowHeight = {}, labels = {};
    ids.forEach(function (id) {
      labels[id] = labelOf(id);
      var cell = data.cells[id], size = boxSize(id, labels[id]);
      colWidth[cell[0]] = Math.max(colWidth[cell[0]] || 0, size.w);
      rowHeight[cell[1]] = Math.max(rowHeight[cell[1]] || 0, size.h);
    });
    function offsets(sizes, gap) {
      var keys = Object.keys(sizes).map(Number).sort(function (a, b) { return a - b; });
      var at = {}, cursor = 0;
      keys.forEach(function (k) { at[k] = cursor + sizes[k] / 2; cursor += sizes[k] + gap; });
      return { at: at, total: cursor - gap };
    }
    var xs = offsets(colWidth, 30), ys = offsets(rowHeight, 40);
    var positions = {};
    ids.forEach(function (id) {
      var cell = data.cells[id];
      positions[id] = { x: xs.at[cell[0]], y: ys.at[cell[1]] };
    });
    return { positions: positions, labels: labels, scale: fitScale(xs.total, ys.total) };
  }

  function layout(ids) {
    return mode === "grid" ? gridLayout(ids) : treeLayout(ids);
  }

  // Everything drawn fits the screen with every label at least CRISP_PX high.
  function fits() {
    var ids = visibleIds();
    if (ids.length > MAX_DRAWN) return false;
    var smallest = Math.min.apply(null, ids.map(fontOf));
    return layout(ids).scale * smallest >= CRISP_PX;
  }

  // Open id, then level by level below it, as long as the whole drawing stays readable.
  function openDown(id) {
    var frontier = [id];
    while (frontier.length) {
      var next = [];
      frontier.forEach(function (node) {
        if (!kidsShown(node).length) return;
        opened[node] = true;
        if (fits()) next = next.concat(kidsShown(node));
        else delete opened[node];  // does not fit: stays folded; a smaller one may still fit
      });
      frontier = next;
    }
  }

  // The first screen: a tree opens its roots' children where they fit (deeper only to reach
  // filter matches); a ranked list draws its top entries opened, as many as fit readably.
  function autoOpen(picked) {
    opened = {};
    if (mode !== "tree") return;
    captions = true;
    if (!tree.rootList && !fits()) captions = false;  // many roots: names first, counts in details
    if (!tree.rootList) {
      currentRoots().forEach(function (root) {
        if (hasMatch) { openDown(root); return; }
        if (!kidsShown(root).length) return;
        opened[root] = true;
        if (!fits()) delete opened[root];
      });
      return;
    }
    if (picked) { shownRoots = [picked]; openDown(picked); return; }
    var ranked = tree.roots.filter(function (r) { return !hasMatch || hasMatch[r]; });
    shownRoots = ranked.slice(0, 1);
    openDown(ranked[0]);
    for (var i = 1; i < ranked.length; i++) {
      shownRoots.push(ranked[i]);
      if (!fits()) { shownRoots.pop(); break; }
      openDown(ranked[i]);
    }
    markRoots();
  }

  var selectedId = null;

  function drawBoxes(anchor) {
    var before = anchor && nodes.get(anchor) ? network.getPosition(anchor) : null;
    var ids = visibleIds();
    var laid = mode === "grid" ? gridLayout(ids) : treeLayout(ids);
    var shown = {};
    ids.forEach(function (id) { shown[id] = true; });
    nodes.clear();
    nodes.add(ids.map(function (id) {
      var copy = Object.assign({}, records[id]);
      copy.x = laid.positions[id].x;
      copy.y = laid.positions[id].y;
      copy.label = laid.labels[id];
      return copy;
    }));
    edges.clear();
    edges.add(data.edges.filter(function (edge) {
      // A tree draws only its parent → child edges: any other link would cross the layout.
      return shown[edge.from] && shown[edge.to] && (mode !== "tree" || parentOf[edge.to] === edge.from);
    }).map(function (edge) {
      var copy = Object.assign({}, edge);
      if (edgeLabels[edge.id] && (edge.from === selectedId || edge.to === selectedId)) {
        copy.label = edgeLabels[edge.id];
      }
      return copy;
    }));
    if (before && nodes.get(anchor)) {  // keep the clicked node where the pointer is
      var after = network.getPosition(anchor);
      var centre = network.getViewPosition();
      network.moveTo({
        position: { x: centre.x + after.x - before.x, y: centre.y + after.y - before.y },
        scale: network.getScale(),
        animation: false,
      });
    }
    if (selectedId && nodes.get(selectedId)) network.selectNodes([selectedId]);
    buildLegend();
  }

  function redraw(fit, anchor) {
    if (boxes) {
      drawBoxes(anchor);
    } else {
      nodeView.refresh();
      buildLegend();
    }
    if (fit) network.fit({ animation: false });
  }

  function reveal(id) {  // open every ancestor of id (and show its root) so it is drawn
    if (mode !== "tree") return;
    var root = rootOf(id);
    if (shownRoots.indexOf(root) < 0) {
      shownRoots = tree.rootList ? [root] : shownRoots.concat([root]);
      markRoots();
    }
    var up = parentOf[id];
    while (up !== undefined) { opened[up] = true; up = parentOf[up]; }
  }

  function toggle(id) {
    if (opened[id]) delete opened[id]; else opened[id] = true;
    redraw(false, id);
    showDetails(id);
  }

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
    if (entry.caption) details.appendChild(el("p", "kg-caption", entry.caption));
    if (entry.source) details.appendChild(el("p", "kg-source", entry.source));
    var kids = mode === "tree" ? kidsShown(id) : [];
    if (kids.length) {
      var button = el("button", "kg-toggle", opened[id] ? "Fold " + kids.length + " below" : "Open " + kids.length + " below");
      button.type = "button";
      button.addEventListener("click", function () { toggle(id); });
      details.appendChild(button);
    }
    var list = el("dl");
    entry.details.forEach(function (pair) {
      list.appendChild(el("dt", null, pair[0]));
      list.appendChild(el("dd", null, pair[1]));
    });
    details.appendChild(list);
    if (data.auditHref) {
      var href = safeHref(data.auditHref + "#node=" + encodeURIComponent(entry.ref || id));
      if (href) {
        var link = el("a", "kg-backlink", "Show in audit report");
        link.href = href;
        details.appendChild(link);
      }
    }
    details.appendChild(el("p", "kg-id", entry.ref || id));
  }

  function choose(id, focus) {
    selectedId = id;
    hideTooltip();
    if (boxes) redraw(false);
    if (nodes.get(id)) network.selectNodes([id]);
    showDetails(id);
    if (focus && nodes.get(id)) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    }
  }

  function select(id, focus) {
    if (!meta[id] && refs[id]) id = refs[id];
    if (!meta[id]) return false;
    if (!passes(id)) {  // filtered away: clear filters so it can be shown
      Object.keys(active).forEach(function (facet) { active[facet] = ""; });
      document.querySelectorAll("#kg-filters select").forEach(function (s) { s.value = ""; });
      computeMatches();
      syncRootList();
      if (!boxes) nodeView.refresh();
    }
    reveal(id);
    choose(id, focus);
    return true;
  }

  network.on("click", function (params) {
    if (params.nodes.length) {
      var id = params.nodes[0];
      selectedId = id;
      if (mode === "tree" && !opened[id] && kidsShown(id).length) {
        opened[id] = true;
        redraw(false, id);
      } else if (boxes) {
        redraw(false);
      }
      showDetails(id);
      history.replaceState(null, "", "#node=" + encodeURIComponent(meta[id].ref || id));
    } else {
      selectedId = null;
      if (boxes) redraw(false);
      showDetails(null);
    }
  });

  // --- tooltip (text only): always the node under the pointer ---------------------------
  var tooltip = document.getElementById("kg-tooltip");
  var tooltipId = null;
  function hideTooltip() { tooltip.hidden = true; tooltipId = null; }
  container.addEventListener("mousemove", function (event) {
    var box = container.getBoundingClientRect();
    var id = network.getNodeAt({ x: event.clientX - box.left, y: event.clientY - box.top });
    if (id === undefined || !meta[id]) { hideTooltip(); return; }
    if (id !== tooltipId) {
      var entry = meta[id];
      tooltip.replaceChildren(el("strong", null, entry.label));
      if (entry.caption) tooltip.appendChild(el("div", null, entry.caption));
      if (entry.source) tooltip.appendChild(el("div", "kg-source", entry.source));
      tooltip.appendChild(el("div", "kg-kind", entry.kindLabel));
      tooltipId = id;
    }
    tooltip.style.left = Math.round(event.clientX + 14) + "px";
    tooltip.style.top = Math.round(event.clientY + 14) + "px";
    tooltip.hidden = false;
  });
  container.addEventListener("mouseleave", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);

  // --- legend: what is on the canvas now -----------------------------------------------
  var legend = document.getElementById("kg-legend");
  function legendRow(item, isEdge) {
    var row = el("div", "kg-legend-row");
    var swatch = el("span", isEdge ? "kg-swatch-edge" : "kg-swatch");
    if (isEdge) {
      swatch.style.borderTopColor = item.color;
      swatch.style.borderTopStyle = item.dashes ? "dashed" : "solid";
    } else {
      swatch.style.backgroundColor = item.color;
      if (item.shape === "box" || item.shape === "square" || boxes) swatch.style.borderRadius = "2px";
      if (item.shape === "diamond" && !boxes) swatch.style.transform = "rotate(45deg) scale(0.8)";
    }
    row.appendChild(swatch);
    row.appendChild(el("span", null, item.label));
    return row;
  }
  function buildLegend() {
    var kinds = {}, edgeKinds = {}, flagged = false;
    nodeView.getIds().forEach(function (id) {
      kinds[meta[id].kind] = true;
      flagged = flagged || meta[id].flagged;
    });
    edges.get().forEach(function (edge) {
      if (edge.kind && nodeView.get(edge.from) && nodeView.get(edge.to)) edgeKinds[edge.kind] = true;
    });
    legend.replaceChildren(el("h2", null, "Legend"));
    data.legend.nodes.forEach(function (item) { if (kinds[item.kind]) legend.appendChild(legendRow(item, false)); });
    data.legend.edges.forEach(function (item) { if (edgeKinds[item.kind]) legend.appendChild(legendRow(item, true)); });
    if (flagged) {
      var row = el("div", "kg-legend-row");
      row.appendChild(el("span", boxes ? "kg-swatch kg-swatch-flag-box" : "kg-swatch kg-swatch-flag"));
      row.appendChild(el("span", null, boxes ? "! red border: the item itself is defective" : "red ring: defective or flagged"));
      legend.appendChild(row);
    }
    if (mode === "tree") legend.appendChild(el("p", "kg-hint", "[+n]: n items folded inside; click to open."));
  }

  // --- ranked list of roots (one drawn at a time) ---------------------------------------
  var rootButtons = {};
  function markRoots() {
    Object.keys(rootButtons).forEach(function (id) {
      rootButtons[id].classList.toggle("kg-root-current", shownRoots.indexOf(id) >= 0);
    });
  }
  if (tree.rootList) {
    var section = el("section", null);
    section.id = "kg-roots";
    section.appendChild(el("h2", null, tree.rootList));
    // One tab per kind of root (e.g. each kind of copy finding): the Kind filter, one click away.
    var rootKinds = {};
    tree.roots.forEach(function (root) {
      var kind = meta[root].facets.kind;
      rootKinds[kind] = (rootKinds[kind] || 0) + 1;
    });
    if (Object.keys(rootKinds).length > 1) {
      var tabs = el("div", "kg-tabs");
      var tabAll = [["", "all (" + tree.roots.length + ")"]].concat(
        Object.keys(rootKinds).sort().map(function (k) { return [k, k + " (" + rootKinds[k] + ")"]; }));
      tabAll.forEach(function (pair) {
        var tab = el("button", "kg-tab", pair[1]);
        tab.type = "button";
        tab.addEventListener("click", function () {
          var box = document.getElementById("kg-filter-kind");
          if (box) box.value = pair[0];
          active.kind = pair[0];
          applyFilters();
        });
        tabs.appendChild(tab);
      });
      section.appendChild(tabs);
    }
    var list = el("ol", "kg-root-list");
    tree.roots.slice(0, 500).forEach(function (root) {
      var item = el("li");
      var button = el("button", "kg-root", records[root].label);
      button.type = "button";
      if (meta[root].caption) button.appendChild(el("span", "kg-root-caption", meta[root].caption));
      button.addEventListener("click", function () {
        autoOpen(root);
        markRoots();
        choose(root, false);
        network.fit({ animation: false });
      });
      rootButtons[root] = button;
      item.appendChild(button);
      list.appendChild(item);
    });
    section.appendChild(list);
    if (tree.roots.length > 500) section.appendChild(el("p", "kg-hint", "Search to reach the other " + (tree.roots.length - 500) + "."));
    document.getElementById("kg-side").insertBefore(section, details);
  }
  function syncRootList() {
    if (!tree.rootList) return;
    Object.keys(rootButtons).forEach(function (id) {
      rootButtons[id].parentNode.hidden = !!hasMatch && !hasMatch[id];
    });
  }

  // --- filters --------------------------------------------------------------------------
  var facetNames = { department: "Department", kind: "Kind", severity: "Severity" };
  var filters = document.getElementById("kg-filters");
  function applyFilters() {
    computeMatches();
    syncRootList();
    autoOpen();
    redraw(true);
  }
  Object.keys(data.facets).forEach(function (facet) {
    var label = el("label", "kg-filter", facetNames[facet] || facet);
    var selectBox = el("select");
    selectBox.id = "kg-filter-" + facet;
    selectBox.appendChild(new Option("all", ""));
    data.facets[facet].forEach(function (value) { selectBox.appendChild(new Option(value, value)); });
    selectBox.addEventListener("change", function () {
      active[facet] = selectBox.value;
      applyFilters();
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

  function jump(id) {
    reveal(id);
    choose(id, true);
  }

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
      if (haystack[id].indexOf(query) >= 0 && passes(id)) matches.push(id);
    });
    searchCount.textContent = matches.length + (matches.length === 1 ? " match" : " matches");
    if (matches.length) jump(matches[0]);
  }

  document.getElementById("kg-toolbar").addEventListener("submit", function (event) {
    event.preventDefault();
    if (matches.length > 1 && searchBox.value.trim().toLowerCase() === lastQuery) {
      matchIndex = (matchIndex + 1) % matches.length;  // Enter again: next match
      jump(matches[matchIndex]);
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

  // --- first screen and deep links: #node=<id>, ?focus=<id>, #q=<text> -----------------
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
  network.once("afterDrawing", markReady);
  autoOpen();
  redraw(true);
  window.addEventListener("hashchange", fromLocation);
  fromLocation();

  window.kgView = {
    network: network, nodes: nodes, edges: edges, select: select, meta: meta,
    drawn: function () { return nodeView.getIds(); },
    reveal: function (id) { reveal(id); redraw(false); return !!nodeView.get(id); },
  };
})();
