// The seccoop explorer: draws the graph held in #graph-data as SVG and lets
// a person search, select, filter, focus, trace impact and find paths.
//
// Safety rule: text from the graph reaches the page only through
// textContent and setAttribute, never as markup.
(function () {
  'use strict';
  var started = performance.now();
  // Milliseconds spent in each phase of the start, for measuring big pages.
  var phases = {};
  var lap = started;
  function phase(name) { var now = performance.now(); phases[name] = Math.round(now - lap); lap = now; }
  var SVG = 'http://www.w3.org/2000/svg';
  var OUT = 0, IN = 1;
  var data = JSON.parse(document.getElementById('graph-data').textContent);
  var nodes = data.nodes, edges = data.edges, kinds = data.kinds, rels = data.rels;
  var N = nodes.length, E = edges.length, W = data.node_width, H = data.node_height;
  // Edges within the last column bow out to its right, by at most BULGE:
  // the drawing is that much wider than its nodes.
  var BULGE = 140, drawnWidth = data.width + BULGE;
  phase('parse');

  function $(id) { return document.getElementById(id); }
  function html(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

  // ---- Names ---------------------------------------------------------
  var byId = new Map();
  nodes.forEach(function (n, i) { byId.set(n.id, i); });
  var folded = null;
  function haystacks() {
    if (!folded) {
      folded = nodes.map(function (n) {
        return [n.id.toLowerCase(), n.name.toLowerCase()].concat((n.aliases || []).map(function (a) { return a.toLowerCase(); }));
      });
    }
    return folded;
  }
  // The node a typed text names: an id, a name or an alias, in any case.
  function resolve(text) {
    if (text === null || text === undefined) return null;
    if (byId.has(text)) return byId.get(text);
    var t = String(text).trim().toLowerCase();
    if (!t) return null;
    var hs = haystacks(), found = null;
    for (var i = 0; i < N; i++) {
      if (hs[i].indexOf(t) >= 0) {
        if (found !== null) return null;
        found = i;
      }
    }
    return found;
  }
  // Nodes whose id, name or alias holds the text: exact, then prefix, then inside.
  function search(text, limit) {
    var t = text.trim().toLowerCase();
    if (!t) return [];
    var hs = haystacks(), hits = [];
    for (var i = 0; i < N; i++) {
      var best = 3;
      for (var j = 0; j < hs[i].length; j++) {
        var s = hs[i][j], at = s.indexOf(t);
        if (at < 0) continue;
        best = Math.min(best, s === t ? 0 : at === 0 ? 1 : 2);
      }
      if (best < 3) hits.push([best, nodes[i].name.toLowerCase(), i]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] - b[2]); });
    return hits.slice(0, limit).map(function (h) { return h[2]; });
  }

  // ---- Walks (the same as the command line's) -------------------------
  function flows(e, dir) {
    var imp = rels[edges[e].r].impact;
    return imp === 'both' || (imp === 'forward' && dir === OUT) || (imp === 'backward' && dir === IN);
  }
  // `seccoop impact`: breadth-first along the schema's impact rules, no
  // U-turn along the relation a chain arrived by.
  function impactOf(root, depth) {
    depth = Math.min(depth, 32);
    var slot = new Int32Array(N).fill(-1);
    var out = [{ node: root, depth: 0, chains: 1, arrivals: [] }];
    slot[root] = 0;
    for (var i = 0; i < out.length; i++) {
      var r = out[i];
      if (r.depth >= depth) continue;
      var ways = r.arrivals.length === 0 ? [[null, null, r.chains]]
        : r.arrivals.map(function (a, k) { return [[a.edge, a.dir], k, a.chains]; });
      for (var dir = OUT; dir <= IN; dir++) {
        var list = dir === OUT ? nodes[r.node].out : nodes[r.node].in;
        for (var li = 0; li < list.length; li++) {
          var e = list[li], allowed = false, chains = 0;
          for (var w = 0; w < ways.length; w++) {
            var by = ways[w][0];
            var uTurn = by !== null && by[1] !== dir && edges[by[0]].r === edges[e].r;
            if (flows(e, dir) && !uTurn) { allowed = true; chains += ways[w][2]; }
          }
          if (!allowed) continue;
          var next = dir === OUT ? edges[e].t : edges[e].s;
          var arrival = { from: r.node, edge: e, dir: dir, chains: chains };
          var j = slot[next];
          if (j < 0) {
            slot[next] = out.length;
            out.push({ node: next, depth: r.depth + 1, chains: chains, arrivals: [arrival] });
          } else if (out[j].depth === r.depth + 1) {
            out[j].chains += chains;
            out[j].arrivals.push(arrival);
          }
        }
      }
    }
    var reached = out.slice(1);
    reached.sort(function (a, b) {
      var x = nodes[a.node].name.toLowerCase(), y = nodes[b.node].name.toLowerCase();
      return a.depth - b.depth || (x < y ? -1 : x > y ? 1 : 0);
    });
    var mitigators = nodes[root].in.filter(function (e) { return rels[edges[e].r].mitigation; });
    return { root: root, depth: depth, reached: reached, mitigations: mitigators };
  }
  // `seccoop path`: breadth-first from both ends, the smaller frontier
  // widened a whole level at a time; edges in either direction.
  function shortestPath(from, to) {
    if (from === to) return { nodes: [from], edges: [] };
    var seen = [new Map([[from, [0, null]]]), new Map([[to, [0, null]]])];
    var level = [0, 0], frontier = [[from], [to]];
    for (;;) {
      var side = frontier[1].length < frontier[0].length ? 1 : 0;
      if (frontier[side].length === 0) return null;
      var other = 1 - side, next = [], meeting = null;
      for (var f = 0; f < frontier[side].length; f++) {
        var node = frontier[side][f];
        for (var dir = OUT; dir <= IN; dir++) {
          var list = dir === OUT ? nodes[node].out : nodes[node].in;
          for (var li = 0; li < list.length; li++) {
            var e = list[li], n = dir === OUT ? edges[e].t : edges[e].s;
            var o = seen[other].get(n);
            if (o !== undefined && (meeting === null || o[0] < meeting[0])) meeting = [o[0], node, e, n];
            if (!seen[side].has(n)) {
              seen[side].set(n, [level[side] + 1, [node, e]]);
              next.push(n);
            }
          }
        }
      }
      if (meeting !== null) {
        var walk = function (start, map) {
          var ns = [start], es = [], at = start, s;
          while ((s = map.get(at)) !== undefined && s[1] !== null) {
            ns.push(s[1][0]); es.push(s[1][1]); at = s[1][0];
          }
          return [ns, es];
        };
        var back = walk(meeting[1], seen[side]);
        back[0].reverse(); back[1].reverse();
        var fwd = walk(meeting[3], seen[other]);
        var pn = back[0].concat(fwd[0]), pe = back[1].concat([meeting[2]], fwd[1]);
        if (side === 1) { pn.reverse(); pe.reverse(); }
        return { nodes: pn, edges: pe };
      }
      frontier[side] = next;
      level[side] += 1;
    }
  }

  // ---- Drawing -------------------------------------------------------
  var canvas = $('canvas');
  var defs = svg('defs');
  rels.forEach(function (r, i) {
    var m = svg('marker', { id: 'arrow-' + i, viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' });
    m.appendChild(svg('path', { d: 'M0,0L10,5L0,10z', fill: r.colour }));
    defs.appendChild(m);
  });
  canvas.appendChild(defs);
  // The first view fits the drawing to the stage. It is set before the
  // drawing is built, so the browser lays the page out once, not twice.
  var stage = $('stage');
  var initialView = (function () {
    var sw = stage.clientWidth || 800, sh = stage.clientHeight || 600;
    var k = Math.min(sw / drawnWidth, sh / data.height, 1.5);
    return { x: (sw - drawnWidth * k) / 2, y: (sh - data.height * k) / 2, k: k };
  })();
  var viewport = svg('g', { id: 'viewport' });
  var headingLayer = svg('g', { id: 'headings' });
  var edgeLayer = svg('g', { id: 'edges' });
  var nodeLayer = svg('g', { id: 'nodes' });
  viewport.appendChild(headingLayer);
  viewport.appendChild(edgeLayer);
  viewport.appendChild(nodeLayer);
  canvas.appendChild(viewport);
  viewport.setAttribute('transform', 'translate(' + initialView.x + ',' + initialView.y + ') scale(' + initialView.k + ')');
  canvas.classList.toggle('zoomed-out', initialView.k < 0.33);

  data.headings.forEach(function (h) {
    var t = svg('text', { class: 'heading', x: h.x, y: h.y - 10 });
    t.textContent = kinds[h.k].plural;
    headingLayer.appendChild(t);
  });

  function shape(kind) {
    var w = W / 2, h = H / 2, c = 7;
    switch (kind.shape) {
      case 'ellipse':
        return svg('rect', { x: -w, y: -h, width: W, height: H, rx: h });
      case 'octagon':
        return svg('polygon', { points: [-w + c, -h, w - c, -h, w, -h + c, w, h - c, w - c, h, -w + c, h, -w, h - c, -w, -h + c].join(' ') });
      case 'hexagon':
        return svg('polygon', { points: [-w, 0, -w + 10, -h, w - 10, -h, w, 0, w - 10, h, -w + 10, h].join(' ') });
      case 'note':
        return svg('polygon', { points: [-w, -h, w - 9, -h, w, -h + 9, w, h, -w, h].join(' ') });
      default:
        return svg('rect', { x: -w, y: -h, width: W, height: H, rx: kind.rounded ? 9 : 2 });
    }
  }
  // About 6.4 px a character at 12 px: a longer name is cut with an ellipsis.
  var fits = Math.floor((W - 14) / 6.4);
  function short(text) { return text.length > fits ? text.slice(0, fits - 1) + '\u2026' : text; }

  var nodeEls = new Array(N), edgeEls = new Array(E);
  var focusable = N <= 2000;
  var frag = document.createDocumentFragment();
  for (var i = 0; i < N; i++) {
    var n = nodes[i], kind = kinds[n.k];
    var g = svg('g', { class: 'node', transform: 'translate(' + n.x + ',' + n.y + ')', 'data-id': n.id, 'data-kind': kind.name, role: 'button', 'aria-label': n.name + ' (' + kind.name + ')' });
    if (focusable) g.setAttribute('tabindex', '0');
    g.__index = i;
    var s = shape(kind);
    s.setAttribute('class', 'shape');
    s.setAttribute('fill', kind.fill);
    s.setAttribute('stroke', kind.border);
    g.appendChild(s);
    if (focusable) {
      var title = svg('title');
      title.textContent = n.name + ' (' + kind.name + ')';
      g.appendChild(title);
    }
    var label = svg('text', { x: 0, y: 4, 'text-anchor': 'middle' });
    label.textContent = short(n.name);
    g.appendChild(label);
    frag.appendChild(g);
    nodeEls[i] = g;
  }
  nodeLayer.appendChild(frag);
  phase('nodes');

  function edgeShape(e, nth) {
    var a = nodes[edges[e].s], b = nodes[edges[e].t], hw = W / 2, off = nth * 9;
    if (a === b) {
      return 'M' + (a.x + hw) + ',' + (a.y - 6) + 'C' + (a.x + hw + 40 + off) + ',' + (a.y - 34) + ' ' + (a.x + hw + 40 + off) + ',' + (a.y + 34) + ' ' + (a.x + hw) + ',' + (a.y + 6);
    }
    var dx = b.x - a.x;
    if (Math.abs(dx) > W) {
      var sg = dx > 0 ? 1 : -1, x1 = a.x + sg * hw, x2 = b.x - sg * hw, c = Math.max(40, Math.abs(x2 - x1) / 2);
      return 'M' + x1 + ',' + a.y + 'C' + (x1 + sg * c) + ',' + (a.y + off) + ' ' + (x2 - sg * c) + ',' + (b.y + off) + ' ' + x2 + ',' + b.y;
    }
    // Within a column: bow out to the right, further for farther nodes.
    var x1r = a.x + hw, x2r = b.x + hw, bulge = Math.min(BULGE, 30 + Math.abs(b.y - a.y) * 0.35 + off);
    return 'M' + x1r + ',' + a.y + 'C' + (x1r + bulge) + ',' + a.y + ' ' + (x2r + bulge) + ',' + b.y + ' ' + x2r + ',' + b.y;
  }
  var pairCount = new Map();
  frag = document.createDocumentFragment();
  for (var ei = 0; ei < E; ei++) {
    var ed = edges[ei], rel = rels[ed.r], basis = data.bases[ed.b];
    var key = Math.min(ed.s, ed.t) + ':' + Math.max(ed.s, ed.t);
    var nth = pairCount.get(key) || 0;
    pairCount.set(key, nth + 1);
    var p = svg('path', { class: 'edge ' + basis, d: edgeShape(ei, nth), stroke: rel.colour, 'marker-end': 'url(#arrow-' + ed.r + ')', 'data-from': nodes[ed.s].id, 'data-rel': rel.name, 'data-to': nodes[ed.t].id, 'data-basis': basis });
    if (focusable) {
      // A tooltip per edge; left out of big drawings, where it costs more than it helps.
      var et = svg('title');
      et.textContent = nodes[ed.s].name + ' \u2192 ' + rel.name + ' \u2192 ' + nodes[ed.t].name + ' (' + basis + ')';
      p.appendChild(et);
    }
    frag.appendChild(p);
    edgeEls[ei] = p;
  }
  edgeLayer.appendChild(frag);
  phase('edges');

  // ---- State -------------------------------------------------------------
  var state = {
    selected: null, hit: null, mode: 'explore', focus: 0,
    impact: { node: null, depth: 3 }, path: { from: null, to: null },
    hidden: { kind: new Set(), rel: new Set(), basis: new Set() },
    view: initialView
  };
  var lit = { nodes: new Set(), edges: new Set() };

  // ---- Filters and legend -------------------------------------------------
  function counts(list, key) {
    var c = new Map();
    list.forEach(function (x) { c.set(key(x), (c.get(key(x)) || 0) + 1); });
    return c;
  }
  var kindCount = counts(nodes, function (n) { return n.k; });
  var relCount = counts(edges, function (e) { return e.r; });
  var basisCount = counts(edges, function (e) { return e.b; });
  function filterBox(set, name, countText, mark, field) {
    var label = html('label');
    var box = html('input', { type: 'checkbox', 'data-filter': set, 'data-name': name });
    box.checked = !state.hidden[set].has(name);
    box.addEventListener('change', function () {
      if (box.checked) state.hidden[set].delete(name); else state.hidden[set].add(name);
      refresh();
    });
    label.appendChild(box);
    label.appendChild(mark);
    label.appendChild(html('span', null, name));
    label.appendChild(html('span', { class: 'count' }, countText));
    field.appendChild(label);
  }
  function swatch(kind) {
    var s = html('span', { class: 'swatch' });
    s.style.background = kind.fill;
    s.style.borderColor = kind.border;
    return s;
  }
  function buildFilters() {
    kinds.forEach(function (k, i) {
      if (kindCount.has(i)) filterBox('kind', k.name, kindCount.get(i), swatch(k), $('f-kind'));
    });
    rels.forEach(function (r, i) {
      if (!relCount.has(i)) return;
      var line = html('span', { class: 'line' });
      line.style.borderColor = r.colour;
      filterBox('rel', r.name, relCount.get(i), line, $('f-rel'));
    });
    data.bases.forEach(function (b, i) {
      filterBox('basis', b, basisCount.get(i) || 0, html('span', { class: 'line ' + b }), $('f-basis'));
    });
  }

  // ---- Visibility, focus and lighting ------------------------------------
  function edgeShown(e) {
    var ed = edges[e];
    return !state.hidden.rel.has(rels[ed.r].name) && !state.hidden.basis.has(data.bases[ed.b]);
  }
  function within(start, hops) {
    var dist = new Map([[start, 0]]), queue = [start];
    for (var q = 0; q < queue.length; q++) {
      var at = queue[q], d = dist.get(at);
      if (d >= hops) continue;
      var all = nodes[at].out.concat(nodes[at].in);
      for (var k = 0; k < all.length; k++) {
        var e = all[k];
        if (!edgeShown(e)) continue;
        var other = edges[e].s === at ? edges[e].t : edges[e].s;
        if (!dist.has(other)) { dist.set(other, d + 1); queue.push(other); }
      }
    }
    return dist;
  }
  // What is shown now; elements are touched only when that changes.
  var nodeShown = new Uint8Array(N).fill(1), edgeOn = new Uint8Array(E).fill(1);
  function applyVisibility() {
    var near = state.focus > 0 && state.selected !== null ? within(state.selected, state.focus) : null;
    var shownNodes = 0, shownEdges = 0;
    for (var i = 0; i < N; i++) {
      var show = !state.hidden.kind.has(kinds[nodes[i].k].name) && (near === null || near.has(i)) ? 1 : 0;
      if (nodeShown[i] !== show) nodeEls[i].classList.toggle('hidden', !show);
      nodeShown[i] = show;
      shownNodes += show;
    }
    for (var e = 0; e < E; e++) {
      var show2 = edgeShown(e) && nodeShown[edges[e].s] === 1 && nodeShown[edges[e].t] === 1 ? 1 : 0;
      if (edgeOn[e] !== show2) edgeEls[e].classList.toggle('hidden', !show2);
      edgeOn[e] = show2;
      shownEdges += show2;
    }
    var text = shownNodes + ' of ' + N + ' nodes and ' + shownEdges + ' of ' + E + ' edges shown';
    if (near !== null) text += '; focus: ' + state.focus + ' hop' + (state.focus === 1 ? '' : 's') + ' around ' + nodes[state.selected].name;
    $('status').textContent = text;
  }
  function setLit(nodeSet, edgeSet, soft) {
    lit.nodes.forEach(function (i) { nodeEls[i].classList.remove('lit'); });
    lit.edges.forEach(function (e) { edgeEls[e].classList.remove('lit'); });
    lit = { nodes: nodeSet, edges: edgeSet };
    lit.nodes.forEach(function (i) { nodeEls[i].classList.add('lit'); });
    lit.edges.forEach(function (e) { edgeEls[e].classList.add('lit'); });
    canvas.classList.toggle('lighting', nodeSet.size > 0);
    canvas.classList.toggle('soft', !!soft);
  }

  // ---- The side panel -------------------------------------------------------
  var panel = $('panel');
  function nodeLink(i) {
    var b = html('button', { type: 'button', class: 'link', 'data-id': nodes[i].id }, nodes[i].name);
    b.addEventListener('click', function () { select(i, true); });
    return b;
  }
  function sourceText(p) {
    var src = data.sources.find(function (s) { return s.id === p.source; });
    var parts = [p.section, p.item].filter(function (x) { return x; }).join(' \u203a ');
    // With one source, naming it on every line says nothing.
    var from = data.sources.length > 1 || !src ? '[' + (src ? src.title : p.source) + '] ' : '';
    return from + parts + (p.note ? (parts ? ': ' : '') + p.note : '');
  }
  function provList(list, cls) {
    var ul = html('ul', cls ? { class: cls } : null);
    list.forEach(function (p) { ul.appendChild(html('li', null, sourceText(p))); });
    return ul;
  }
  function showNode(i) {
    var n = nodes[i], kind = kinds[n.k];
    clear(panel);
    panel.appendChild(html('h2', null, n.name));
    var meta = html('p', { class: 'meta' });
    meta.appendChild(swatch(kind));
    meta.appendChild(document.createTextNode(' ' + kind.name + ' \u00b7 id: '));
    meta.appendChild(html('code', null, n.id));
    panel.appendChild(meta);
    if (n.description) panel.appendChild(html('p', { class: 'description' }, n.description));
    if (n.aliases && n.aliases.length) panel.appendChild(html('p', { class: 'aliases' }, 'Also called: ' + n.aliases.join('; ')));
    if (n.props && n.props.length) {
      var dl = html('ul', { class: 'props' });
      n.props.forEach(function (kv) { dl.appendChild(html('li', null, kv[0] + ': ' + kv[1])); });
      panel.appendChild(dl);
    }
    var actions = html('div', { class: 'actions' });
    [['Impact of this', function () { startImpact(i); }],
     ['Path from here', function () { state.path.from = i; setMode('path'); }],
     ['Path to here', function () { state.path.to = i; setMode('path'); }]].forEach(function (a) {
      var b = html('button', { type: 'button' }, a[0]);
      b.addEventListener('click', a[1]);
      actions.appendChild(b);
    });
    panel.appendChild(actions);
    if (n.prov && n.prov.length) {
      panel.appendChild(html('h3', null, 'Provenance'));
      panel.appendChild(provList(n.prov, 'provenance'));
    }
    // Edges grouped by relation and direction, in schema order.
    rels.forEach(function (r, ri) {
      [[OUT, n.out], [IN, n.in]].forEach(function (pair) {
        var list = pair[1].filter(function (e) { return edges[e].r === ri; });
        if (!list.length) return;
        var head = pair[0] === OUT ? '\u2192 ' + r.name : '\u2190 ' + (r.inverse ? r.inverse + ' (' + r.name + ')' : r.name);
        panel.appendChild(html('h3', { class: 'relation' }, head));
        var ul = html('ul');
        list.forEach(function (e) {
          var other = pair[0] === OUT ? edges[e].t : edges[e].s, basis = data.bases[edges[e].b];
          var li = html('li');
          li.appendChild(nodeLink(other));
          li.appendChild(html('span', { class: 'tag ' + basis }, basis));
          if (edges[e].prov && edges[e].prov.length) li.appendChild(provList(edges[e].prov, 'prov'));
          ul.appendChild(li);
        });
        panel.appendChild(ul);
      });
    });
  }
  function showImpact(found) {
    clear(panel);
    panel.appendChild(html('h2', null, 'Impact of ' + nodes[found.root].name));
    panel.appendChild(html('p', { class: 'meta' }, 'reached ' + found.reached.length + ' node' + (found.reached.length === 1 ? '' : 's') + ' within ' + found.depth + ' step' + (found.depth === 1 ? '' : 's')));
    var depth = 0, ul = null;
    found.reached.forEach(function (r) {
      if (r.depth !== depth) {
        depth = r.depth;
        panel.appendChild(html('h3', null, depth + (depth === 1 ? ' step' : ' steps')));
        ul = html('ul');
        panel.appendChild(ul);
      }
      var li = html('li');
      li.appendChild(nodeLink(r.node));
      li.appendChild(html('span', { class: 'tag' }, kinds[nodes[r.node].k].name));
      if (r.chains > 1) li.appendChild(html('span', { class: 'prov' }, ' (' + r.chains + ' chains)'));
      ul.appendChild(li);
    });
    if (found.mitigations.length) {
      panel.appendChild(html('h3', null, 'Mitigated by'));
      var m = html('ul');
      found.mitigations.forEach(function (e) { var li = html('li'); li.appendChild(nodeLink(edges[e].s)); m.appendChild(li); });
      panel.appendChild(m);
    }
  }
  function showPath(from, to, found) {
    clear(panel);
    panel.appendChild(html('h2', null, 'From ' + nodes[from].name + ' to ' + nodes[to].name));
    if (found === null) {
      panel.appendChild(html('p', { class: 'meta' }, 'no connection'));
      return;
    }
    panel.appendChild(html('p', { class: 'meta' }, found.edges.length + ' hop' + (found.edges.length === 1 ? '' : 's') + '; \u2193 follows an edge, \u2191 goes against one'));
    var ol = html('ol', { class: 'path' });
    found.nodes.forEach(function (i, k) {
      var li = html('li');
      li.appendChild(nodeLink(i));
      var e = found.edges[k];
      if (e !== undefined) li.appendChild(html('div', { class: 'prov' }, (edges[e].s === i ? '\u2193 ' : '\u2191 ') + rels[edges[e].r].name));
      ol.appendChild(li);
    });
    panel.appendChild(ol);
  }

  // ---- Modes -------------------------------------------------------------
  function setMode(mode) {
    state.mode = mode;
    if (mode !== 'explore') markHit(null);
    document.querySelectorAll('input[name=mode]').forEach(function (r) { r.checked = r.value === mode; });
    $('impact-form').hidden = mode !== 'impact';
    $('path-form').hidden = mode !== 'path';
    if (mode === 'impact' && state.impact.node === null && state.selected !== null) state.impact.node = state.selected;
    $('impact-node').value = state.impact.node === null ? '' : nodes[state.impact.node].id;
    $('impact-depth').value = state.impact.depth;
    $('path-from').value = state.path.from === null ? '' : nodes[state.path.from].id;
    $('path-to').value = state.path.to === null ? '' : nodes[state.path.to].id;
    refresh();
  }
  function startImpact(i) { state.impact.node = i; setMode('impact'); }
  function lightMode() {
    if (state.mode === 'impact' && state.impact.node !== null) {
      var found = impactOf(state.impact.node, state.impact.depth);
      var ns = new Set([found.root]), es = new Set();
      found.reached.forEach(function (r) { ns.add(r.node); r.arrivals.forEach(function (a) { es.add(a.edge); }); });
      found.mitigations.forEach(function (e) { ns.add(edges[e].s); es.add(e); });
      setLit(ns, es);
      showImpact(found);
      nodeEls[found.root].classList.add('root');
      return;
    }
    if (state.mode === 'path' && state.path.from !== null && state.path.to !== null) {
      var p = shortestPath(state.path.from, state.path.to);
      setLit(new Set(p ? p.nodes : [state.path.from, state.path.to]), new Set(p ? p.edges : []));
      showPath(state.path.from, state.path.to, p);
      return;
    }
    if (state.selected !== null) {
      // Explore: the selected node's own edges and neighbours stand out.
      var sel = state.selected, near = new Set([sel]), own = new Set();
      nodes[sel].out.concat(nodes[sel].in).forEach(function (e) {
        own.add(e);
        near.add(edges[e].s);
        near.add(edges[e].t);
      });
      setLit(near, own, true);
      showNode(sel);
    } else {
      setLit(new Set(), new Set());
    }
  }
  var lastRoot = null;
  function refresh() {
    if (lastRoot !== null) nodeEls[lastRoot].classList.remove('root');
    lastRoot = state.mode === 'impact' ? state.impact.node : null;
    applyVisibility();
    lightMode();
    writeHash();
  }

  // ---- Selection ------------------------------------------------------------
  function select(i, centre) {
    if (state.selected !== null) nodeEls[state.selected].classList.remove('selected');
    state.selected = i;
    if (i !== null) {
      nodeEls[i].classList.add('selected');
      if (state.mode === 'path') {
        if (state.path.from === null) state.path.from = i;
        else if (state.path.to === null) state.path.to = i;
        else { state.path.from = i; state.path.to = null; }
        setMode('path');
      } else if (state.mode === 'impact') {
        state.impact.node = i;
        setMode('impact');
      } else {
        refresh();
      }
      if (centre) centreOn(i);
    } else {
      refresh();
    }
  }
  function markHit(i) {
    if (state.hit !== null) nodeEls[state.hit].classList.remove('hit');
    state.hit = i;
    if (i !== null) nodeEls[i].classList.add('hit');
  }

  // ---- Zoom and pan --------------------------------------------------------
  function applyView() {
    var v = state.view;
    viewport.setAttribute('transform', 'translate(' + v.x + ',' + v.y + ') scale(' + v.k + ')');
    canvas.classList.toggle('zoomed-out', v.k < 0.33);
  }
  function fit() {
    var sw = stage.clientWidth || 800, sh = stage.clientHeight || 600;
    var k = Math.min(sw / drawnWidth, sh / data.height, 1.5);
    state.view = { x: (sw - drawnWidth * k) / 2, y: (sh - data.height * k) / 2, k: k };
    applyView();
  }
  function zoomBy(f, cx, cy) {
    var v = state.view, k = Math.max(0.02, Math.min(8, v.k * f));
    if (cx === undefined) { cx = stage.clientWidth / 2; cy = stage.clientHeight / 2; }
    state.view = { x: cx - (cx - v.x) * k / v.k, y: cy - (cy - v.y) * k / v.k, k: k };
    applyView();
    writeHash();
  }
  function centreOn(i) {
    var k = Math.max(state.view.k, 1);
    state.view = { x: stage.clientWidth / 2 - nodes[i].x * k, y: stage.clientHeight / 2 - nodes[i].y * k, k: k };
    applyView();
    writeHash();
  }
  stage.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var r = stage.getBoundingClientRect();
    zoomBy(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  var drag = null;
  stage.addEventListener('pointerdown', function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, vx: state.view.x, vy: state.view.y, moved: false };
  });
  window.addEventListener('pointermove', function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true;
    stage.classList.add('panning');
    state.view.x = drag.vx + dx; state.view.y = drag.vy + dy;
    applyView();
  });
  window.addEventListener('pointerup', function () {
    if (drag && drag.moved) writeHash();
    stage.classList.remove('panning');
    setTimeout(function () { drag = null; }, 0);
  });
  nodeLayer.addEventListener('click', function (ev) {
    if (drag && drag.moved) return;
    var g = ev.target.closest('.node');
    if (g) {
      if (state.hit !== g.__index) markHit(null);
      select(g.__index, false);
    }
  });
  nodeLayer.addEventListener('keydown', function (ev) {
    var g = ev.target.closest('.node');
    if (g && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); select(g.__index, false); }
  });
  stage.addEventListener('keydown', function (ev) {
    if (ev.target.closest && ev.target.closest('.node') && (ev.key === 'Enter' || ev.key === ' ')) return;
    var step = 60, v = state.view, handled = true;
    switch (ev.key) {
      case 'ArrowLeft': v.x += step; break;
      case 'ArrowRight': v.x -= step; break;
      case 'ArrowUp': v.y += step; break;
      case 'ArrowDown': v.y -= step; break;
      case '+': case '=': zoomBy(1.25); return;
      case '-': case '_': zoomBy(0.8); return;
      case '0': fit(); writeHash(); return;
      case 'Escape': markHit(null); select(null); return;
      default: handled = false;
    }
    if (handled) { ev.preventDefault(); applyView(); writeHash(); }
  });
  $('zoom-in').addEventListener('click', function () { zoomBy(1.25); });
  $('zoom-out').addEventListener('click', function () { zoomBy(0.8); });
  $('fit').addEventListener('click', function () { fit(); writeHash(); });

  // ---- Search --------------------------------------------------------------
  var searchBox = $('search'), hitList = $('hits');
  function showHits() {
    clear(hitList);
    var found = search(searchBox.value, 20);
    found.forEach(function (i) {
      var li = html('li', { role: 'option' });
      var b = html('button', { type: 'button', 'data-id': nodes[i].id }, nodes[i].name + ' ');
      b.appendChild(html('span', { class: 'kind' }, kinds[nodes[i].k].name));
      b.addEventListener('click', function () { choose(i); });
      b.addEventListener('keydown', function (ev) {
        var to = ev.key === 'ArrowDown' ? li.nextSibling : ev.key === 'ArrowUp' ? li.previousSibling : null;
        if (to) { ev.preventDefault(); to.firstChild.focus(); }
        if (ev.key === 'Escape') { hitList.hidden = true; searchBox.focus(); }
      });
      li.appendChild(b);
      hitList.appendChild(li);
    });
    hitList.hidden = found.length === 0;
    return found;
  }
  function choose(i) {
    hitList.hidden = true;
    markHit(i);
    if (nodeShown[i] === 0) {
      // A match the filters hide is shown anyway: clear what hides it.
      state.hidden.kind.delete(kinds[nodes[i].k].name);
      state.focus = 0;
      $('focus-hops').value = 0;
      syncFilterBoxes();
    }
    select(i, true);
  }
  searchBox.addEventListener('input', showHits);
  searchBox.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown' && hitList.firstChild) { ev.preventDefault(); hitList.firstChild.firstChild.focus(); }
    if (ev.key === 'Escape') hitList.hidden = true;
  });
  $('search-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var found = showHits();
    if (found.length) choose(found[0]);
  });

  // ---- Mode forms -------------------------------------------------------------
  document.querySelectorAll('input[name=mode]').forEach(function (r) {
    r.addEventListener('change', function () { if (r.checked) setMode(r.value); });
  });
  function fillNames() {
    var list = $('node-names');
    if (list.firstChild || N > 5000) return;
    var f = document.createDocumentFragment();
    nodes.forEach(function (n) { f.appendChild(html('option', { value: n.id }, n.name)); });
    list.appendChild(f);
  }
  ['impact-node', 'path-from', 'path-to'].forEach(function (id) { $(id).addEventListener('focus', fillNames); });
  function named(input) {
    var i = resolve(input.value);
    input.setCustomValidity(i === null && input.value ? 'no single node is called that' : '');
    input.reportValidity();
    return i;
  }
  $('impact-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var i = named($('impact-node'));
    if (i === null) return;
    state.impact.node = i;
    state.impact.depth = Math.max(1, Math.min(32, parseInt($('impact-depth').value, 10) || 3));
    refresh();
  });
  $('path-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var a = named($('path-from')), b = named($('path-to'));
    if (a === null || b === null) return;
    state.path.from = a; state.path.to = b;
    refresh();
  });
  $('focus-hops').addEventListener('change', function () {
    state.focus = Math.max(0, Math.min(9, parseInt($('focus-hops').value, 10) || 0));
    refresh();
  });

  // ---- Saving the view ------------------------------------------------------
  function svgText() {
    var clone = canvas.cloneNode(true);
    var sw = stage.clientWidth || 800, sh = stage.clientHeight || 600;
    clone.setAttribute('width', sw);
    clone.setAttribute('height', sh);
    clone.setAttribute('viewBox', '0 0 ' + sw + ' ' + sh);
    // On the page the labels take the body's font; a file on its own has no
    // body, and would fall back to a serif.
    var font = getComputedStyle(canvas);
    clone.setAttribute('font-family', font.fontFamily);
    clone.setAttribute('font-size', font.fontSize);
    var style = svg('style');
    style.textContent = document.querySelector('style').textContent;
    clone.insertBefore(style, clone.firstChild);
    clone.insertBefore(svg('rect', { width: '100%', height: '100%', fill: '#ffffff' }), style.nextSibling);
    return new XMLSerializer().serializeToString(clone);
  }
  function download(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = html('a', { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
  }
  $('save-svg').addEventListener('click', function () {
    download(new Blob([svgText()], { type: 'image/svg+xml' }), 'seccoop-view.svg');
  });
  $('save-png').addEventListener('click', function () {
    var url = URL.createObjectURL(new Blob([svgText()], { type: 'image/svg+xml' }));
    var img = new Image();
    img.onload = function () {
      var c = document.createElement('canvas');
      c.width = img.width * 2; c.height = img.height * 2;
      var ctx = c.getContext('2d');
      ctx.scale(2, 2);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      c.toBlob(function (b) { if (b) download(b, 'seccoop-view.png'); }, 'image/png');
    };
    img.src = url;
  });

  // ---- The view in the URL fragment ------------------------------------------
  var writing = false;
  function writeHash() {
    var q = new URLSearchParams();
    if (state.selected !== null) q.set('node', nodes[state.selected].id);
    if (state.mode !== 'explore') q.set('mode', state.mode);
    if (state.impact.node !== null && state.mode === 'impact') { q.set('impact', nodes[state.impact.node].id); q.set('depth', state.impact.depth); }
    if (state.mode === 'path') {
      if (state.path.from !== null) q.set('from', nodes[state.path.from].id);
      if (state.path.to !== null) q.set('to', nodes[state.path.to].id);
    }
    if (state.focus > 0) q.set('focus', state.focus);
    ['kind', 'rel', 'basis'].forEach(function (set) {
      state.hidden[set].forEach(function (name) { q.append('hide-' + set, name); });
    });
    var v = state.view;
    q.set('view', [Math.round(v.x), Math.round(v.y), Math.round(v.k * 1000) / 1000].join(','));
    var text = '#' + q.toString();
    if (location.hash !== text) {
      writing = true;
      history.replaceState(null, '', text);
      writing = false;
    }
  }
  function syncFilterBoxes() {
    document.querySelectorAll('input[data-filter]').forEach(function (b) {
      b.checked = !state.hidden[b.getAttribute('data-filter')].has(b.getAttribute('data-name'));
    });
  }
  function readHash() {
    var q = new URLSearchParams(location.hash.slice(1));
    var id = function (key) { var v = q.get(key); return v !== null && byId.has(v) ? byId.get(v) : null; };
    ['kind', 'rel', 'basis'].forEach(function (set) {
      state.hidden[set] = new Set(q.getAll('hide-' + set));
    });
    syncFilterBoxes();
    state.focus = Math.max(0, Math.min(9, parseInt(q.get('focus'), 10) || 0));
    $('focus-hops').value = state.focus;
    state.impact = { node: id('impact'), depth: Math.max(1, Math.min(32, parseInt(q.get('depth'), 10) || 3)) };
    state.path = { from: id('from'), to: id('to') };
    if (state.selected !== null) nodeEls[state.selected].classList.remove('selected');
    state.selected = id('node');
    if (state.selected !== null) nodeEls[state.selected].classList.add('selected');
    var view = (q.get('view') || '').split(',').map(Number);
    if (view.length === 3 && view.every(isFinite) && view[2] > 0) {
      state.view = { x: view[0], y: view[1], k: view[2] };
      applyView();
    } else {
      fit();
    }
    var mode = q.get('mode');
    setMode(mode === 'impact' || mode === 'path' ? mode : 'explore');
  }
  window.addEventListener('hashchange', function () { if (!writing) readHash(); });

  // ---- Start ------------------------------------------------------------------
  buildFilters();
  data.highlight.forEach(function (n) { nodeEls[n].classList.add('picked'); });
  phase('filters');
  if (location.hash.length > 1) {
    readHash();
  } else {
    if (data.root !== null) {
      state.selected = data.root;
      nodeEls[data.root].classList.add('selected', 'root');
    }
    refresh();
  }
  phase('state');
  var api = {
    phases: phases,
    // Milliseconds from the start of navigation until the drawing is on
    // screen, and the part of it this script took.
    readyMs: null,
    scriptMs: null,
    nodeCount: N,
    edgeCount: E,
    impact: function (id, depth) { var f = impactOf(byId.get(id), depth || 3); return f; },
    svgText: svgText
  };
  window.seccoopExplorer = api;
  requestAnimationFrame(function () {
    requestAnimationFrame(function () {
      phase('paint');
      api.scriptMs = performance.now() - started;
      api.readyMs = performance.now();
    });
  });
})();
