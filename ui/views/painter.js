// NN Playground live painter: uint8 maps from the server become canvas pixels and an SVG network.
// No model math here: every value was computed by the PyTorch model on the server.
function bytes(b64) {
  const s = atob(b64 || "");
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function mapImage(ctx, r, values, offset, lut) {
  const img = ctx.createImageData(r, r);
  for (let i = 0; i < r * r; i++) {
    const v = values[offset + i] * 3;
    img.data[4 * i] = lut[v]; img.data[4 * i + 1] = lut[v + 1]; img.data[4 * i + 2] = lut[v + 2];
    img.data[4 * i + 3] = 255;
  }
  return img;
}

function classImage(ctx, r, cls, strength, colours) {
  const grey = [232, 234, 235];
  const img = ctx.createImageData(r, r);
  for (let i = 0; i < r * r; i++) {
    const c = colours[cls[i] % colours.length], s = strength[i] / 255;
    for (let j = 0; j < 3; j++) img.data[4 * i + j] = grey[j] + (c[j] - grey[j]) * s;
    img.data[4 * i + 3] = 255;
  }
  return img;
}

function paintBoundary(canvas, d, state) {
  const r = d.r, size = d.size;
  if (canvas.width !== size) { canvas.width = size; canvas.height = size; }
  const small = state.small || (state.small = document.createElement("canvas"));
  small.width = r; small.height = r;
  const sctx = small.getContext("2d");
  if (d.big.mode === "classes") {
    sctx.putImageData(classImage(sctx, r, bytes(d.big.cls), bytes(d.big.strength), d.classes), 0, 0);
  } else {
    sctx.putImageData(mapImage(sctx, r, bytes(d.big.map), 0, d.lut), 0, 0);
  }
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, size, size);
  const radius = d.dot ? Math.round(d.dot * size / 360) : Math.max(2, Math.floor(size / 110));
  for (const p of d.points) {
    const xy = new Uint16Array(bytes(p.xy).buffer), rgb = bytes(p.rgb);
    for (let i = 0; i < p.n; i++) {
      const x = xy[2 * i] / 65535 * (size - 1), y = xy[2 * i + 1] / 65535 * (size - 1);
      const colour = `rgb(${rgb[3 * i]},${rgb[3 * i + 1]},${rgb[3 * i + 2]})`;
      ctx.beginPath();
      ctx.arc(x, y, radius + (p.hollow ? 0.5 : 0), 0, 2 * Math.PI);
      if (p.hollow) { ctx.lineWidth = 2; ctx.strokeStyle = colour; ctx.stroke(); }
      else { ctx.fillStyle = colour; ctx.fill(); ctx.lineWidth = 1; ctx.strokeStyle = "#fff"; ctx.stroke(); }
    }
  }
  const m = d.micro && d.micro.marker;
  if (m) {                                        // the microscope's point: a ring around it
    const x = m[0] * (size - 1), y = m[1] * (size - 1);
    for (const [w, c] of [[5, "#fff"], [2.5, "#111"]]) {
      ctx.beginPath(); ctx.arc(x, y, radius * 3.2, 0, 2 * Math.PI);
      ctx.lineWidth = w; ctx.strokeStyle = c; ctx.stroke();
    }
  }
  canvas.dataset.frame = String(d.frame);
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

// The network: an SVG built once per layout (edges, outlines, hover titles, click targets) over
// one canvas holding every neuron's map. Per frame only edge colours/widths/titles and the
// canvas pixels change: no HTML parsing and no PNG encoding in the browser.
// Sizes scale with d.thumb (a neuron's map, 40 px by default; larger in presentation mode).
const MORE_TIP = "Only the first neurons of a wide layer are drawn, so frames stay fast; all of them train.";

function geometry(d, room) {
  const cols = d.net.columns, THUMB = d.thumb || 40, s = THUMB / 40;
  const GAP = (d.micro ? 40 : 10) * s;          // the microscope writes 3 lines under a neuron
  const font = d.font || 11;
  // narrow the columns to sit beside the big map when the page is wide enough for that
  const colWidth = Math.max(80 * s, Math.min(150 * s, (room - THUMB - 40) / Math.max(cols.length - 1, 1)));
  const tallest = Math.max(...cols.map(c => c.labels.length));
  const top = 19 + font;
  const height = top + 10 + tallest * (THUMB + GAP), width = colWidth * (cols.length - 1) + THUMB + 40;
  const pos = (ci, ni) => [20 + ci * colWidth,
    top + (tallest - cols[ci].labels.length) * (THUMB + GAP) / 2 + ni * (THUMB + GAP)];
  return {width, height, pos, thumb: THUMB, font, micro: !!d.micro, key: JSON.stringify([cols.map(c => [c.title, c.labels]), colWidth, THUMB, !!d.micro,
    (d.inactive || []).join(","), d.net.weights.map(w => w ? w.map(r => r.map(v => v === null ? 0 : 1).join("")).join("|") : "")])};
}

function buildNetwork(host, d, g) {
  const cols = d.net.columns, off = new Set(d.inactive || []), THUMB = g.thumb;
  const parts = [`<canvas class="nnpg-maps" width="${g.width}" height="${g.height}" style="position:absolute;left:0;top:0"></canvas>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" font-family="sans-serif" font-size="${g.font}" style="position:relative">`,
    `<path class="halo" d="" fill="none" stroke="#111" stroke-opacity="0.3" stroke-linecap="round"/>`];
  const hits = [];
  d.net.weights.forEach((w, ci) => {
    if (!w) return;
    w.forEach((row, o) => row.forEach((v, i) => {
      if (v === null) return;                       // an input that is switched off
      const [x0, y0] = g.pos(ci, i), [x1, y1] = g.pos(ci + 1, o);
      const mid = (x0 + THUMB + x1) / 2, ya = y0 + THUMB / 2, yb = y1 + THUMB / 2;
      const path = `M${x0 + THUMB},${ya} C${mid},${ya} ${mid},${yb} ${x1},${yb}`;
      parts.push(`<path data-e="${ci},${o},${i}" d="${path}" fill="none" opacity="0.75"><title></title></path>`);
      if (g.micro)                                  // a wide invisible twin: easy to click
        hits.push(`<path class="hit" data-hit="${ci},${o},${i}" d="${path}" fill="none" stroke="transparent" stroke-width="10" pointer-events="stroke" style="cursor:pointer"><title></title></path>`);
    }));
  });
  parts.push(...hits);
  cols.forEach((col, ci) => {
    const [x] = g.pos(ci, 0);
    parts.push(`<text x="${x + THUMB / 2}" y="${g.font + 3}" text-anchor="middle" fill="#444">${esc(col.title)}</text>`);
    col.labels.forEach((label, ni) => {
      const [x, y] = g.pos(ci, ni), input = ci === 0, faded = off.has(label);
      const tip = input ? (faded ? `${label}: switched off, click to feed it to the network`
                                 : `${label}: click to switch this input off`)
                        : `${label}: click to see it large`;
      parts.push(`<g class="neuron${input ? " input" : ""}" data-label="${esc(label)}" style="cursor:pointer" opacity="${faded ? 0.3 : 1}"><title>${esc(tip)}</title>` +
        `<rect x="${x}" y="${y}" width="${THUMB}" height="${THUMB}" fill="transparent" stroke="#bbb" stroke-width="1"/></g>`);
      if (g.micro)                                  // the point's numbers, filled per frame
        parts.push(`<text class="val" data-label="${esc(label)}" x="${x + THUMB / 2}" y="${y + THUMB + 1}" text-anchor="middle" font-size="10" font-family="monospace" fill="#222">` +
          [0, 1, 2].map(() => `<tspan x="${x + THUMB / 2}" dy="11"></tspan>`).join("") + "</text>");
    });
    if (col.more > 0) {                               // a wide layer: only its first neurons drawn
      const [x, y] = g.pos(ci, col.labels.length - 1);
      parts.push(`<text class="more" x="${x + THUMB / 2}" y="${y + THUMB + (g.micro ? 45 : g.font)}" text-anchor="middle" font-size="${g.font - 1}" fill="#666"><title>${MORE_TIP}</title>+${col.more} more</text>`);
    }
  });
  parts.push("</svg>");
  host.style.position = "relative";
  host.innerHTML = parts.join("");
  const hitOf = new Map([...host.querySelectorAll("path[data-hit]")].map(p => [p.dataset.hit, p]));
  return {canvas: host.querySelector("canvas.nnpg-maps"), halo: host.querySelector("path.halo"),
          edges: [...host.querySelectorAll("path[data-e]")].map(p => [p, p.dataset.e.split(",").map(Number), hitOf.get(p.dataset.e)]),
          neurons: [...host.querySelectorAll("g.neuron")],
          values: [...host.querySelectorAll("text.val")]};
}

function updateNetwork(net, d, g, state) {
  const THUMB = g.thumb, cols = d.net.columns, weights = d.net.weights, selected = d.net.selected;
  let maxAbs = 1e-9;
  for (const w of weights) if (w) for (const row of w) for (const v of row) if (v !== null) maxAbs = Math.max(maxAbs, Math.abs(v));
  const micro = d.micro, back = micro && micro.stage === "backward";
  let maxGrad = 1e-12;
  if (back) for (const gw of micro.grads) if (gw) for (const row of gw) for (const v of row) if (v !== null) maxGrad = Math.max(maxGrad, Math.abs(v));
  const chosen = micro && micro.edge ? micro.edge.join(",") : null;
  net.halo.setAttribute("d", "");
  for (const [path, [ci, o, i], hit] of net.edges) {
    const v = weights[ci][o][i], gw = back ? micro.grads[ci] : null;
    const name = `${cols[ci].labels[i]} → ${cols[ci + 1].labels[o]}`;
    let tip = `Weight ${name}: ${v.toPrecision(3)}`;
    if (gw) {                                       // ∂L/∂w: coloured and sized as weights are
      const g = gw[o][i];
      path.setAttribute("stroke", g >= 0 ? "#0877bd" : "#f59322");
      path.setAttribute("stroke-width", (0.5 + 5.5 * Math.min(Math.abs(g) / maxGrad, 1)).toFixed(2));
      tip = `∂L/∂w for ${name}: ${g.toPrecision(3)} (weight ${v.toPrecision(3)})`;
    } else if (back) {                              // the backward pass has not got here yet
      path.setAttribute("stroke", "#c8c8c8");
      path.setAttribute("stroke-width", "0.8");
      tip += " (its ∂L/∂w comes when the backward pass reaches this layer)";
    } else {
      path.setAttribute("stroke", v >= 0 ? "#0877bd" : "#f59322");
      path.setAttribute("stroke-width", (0.5 + 5.5 * Math.min(Math.abs(v) / maxAbs, 1)).toFixed(2));
    }
    if (micro) tip += ". Click to choose this weight.";
    path.firstChild.textContent = tip;
    if (hit) hit.firstChild.textContent = tip;
    if (chosen === `${ci},${o},${i}`) {
      net.halo.setAttribute("d", path.getAttribute("d"));
      net.halo.setAttribute("stroke-width", (Number(path.getAttribute("stroke-width")) + 7).toFixed(1));
    }
  }
  const ring = micro ? micro.neuron : selected;
  for (const gEl of net.neurons) {
    const on = gEl.dataset.label === ring, rect = gEl.lastChild;
    rect.setAttribute("stroke", on ? "#111" : "#bbb");
    rect.setAttribute("stroke-width", on ? 3 : 1);
    if (micro && micro.tips[gEl.dataset.label]) gEl.firstChild.textContent = micro.tips[gEl.dataset.label];
  }
  for (const t of net.values) {
    const lines = (micro && micro.lines[t.dataset.label]) || [];
    [...t.children].forEach((span, j) => { span.textContent = lines[j] || ""; });
  }
  const ctx = net.canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, net.canvas.width, net.canvas.height);
  const rs = d.rs, values = bytes(d.maps), small = state.thumb || (state.thumb = document.createElement("canvas"));
  if (state.imapsOf !== d.imaps) { state.imapsOf = d.imaps; state.imapBytes = bytes(d.imaps); }
  const off = new Set(d.inactive || []);
  cols.forEach((col, ci) => col.labels.forEach((label, ni) => {
    const [x, y] = g.pos(ci, ni);
    let r = rs, img;
    if (label === "output") {
      const o = d.output; r = d.r;
      small.width = r; small.height = r;
      const sctx = small.getContext("2d");
      img = o.mode === "classes" ? classImage(sctx, r, bytes(o.cls), bytes(o.strength), d.classes)
                                 : mapImage(sctx, r, bytes(o.map), 0, d.lut);
    } else if (col.maps[ni] >= 0) {
      small.width = r; small.height = r;
      img = mapImage(small.getContext("2d"), r, values, col.maps[ni] * r * r, d.lut);
    } else if (col.maps[ni] <= -2) {               // an input's map: kept from an earlier frame
      small.width = r; small.height = r;
      img = mapImage(small.getContext("2d"), r, state.imapBytes, (-2 - col.maps[ni]) * r * r, d.lut);
    } else return;
    small.getContext("2d").putImageData(img, 0, 0);
    ctx.globalAlpha = off.has(label) ? 0.3 : 1;
    ctx.drawImage(small, x, y, THUMB, THUMB);
  }));
  ctx.globalAlpha = 1;
}

// The server sends each frame as one JSON text in bytes (cheaper for it than a dict).
function decoded(data) {
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data))
    return JSON.parse(new TextDecoder().decode(data));
  return typeof data === "string" ? JSON.parse(data) : data;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  if (!component.data) return;
  const sent = decoded(component.data);
  let root = parentElement.querySelector(".nnpg");
  if (!root) {
    root = document.createElement("div");
    root.className = "nnpg";
    root.innerHTML = `<div class="nnpg-boundary"><canvas data-frame="-1"></canvas><div class="nnpg-caption"></div></div><div class="nnpg-network"></div>`;
    parentElement.appendChild(root);
    const state = root.__nnpg = {};
    root.querySelector(".nnpg-network").addEventListener("pointerdown", ev => {  // acts on press, before any redraw
      const edge = state.micro && ev.target.closest("path[data-hit]");
      if (edge) { setTriggerValue("edge", edge.dataset.hit.split(",").map(Number)); return; }
      const g = ev.target.closest("g.neuron");
      if (!g) return;
      if (g.classList.contains("input"))     // an id per click: a toggle must apply exactly once
        setTriggerValue("feature", {label: g.dataset.label, id: `${Date.now()}-${Math.random()}`});
      else if (state.micro) setTriggerValue("neuron", g.dataset.label);
      else setTriggerValue("select", g.dataset.label);
    });
    root.querySelector("canvas").addEventListener("pointerdown", ev => {
      const where = state.micro || state.draw;
      if (!where) { setTriggerValue("select", "output"); return; }
      const box = ev.currentTarget.getBoundingClientRect(), e = where.extent;
      const fx = (ev.clientX - box.left) / box.width, fy = (ev.clientY - box.top) / box.height;
      const xy = [e[0] + fx * (e[1] - e[0]), e[3] - fy * (e[3] - e[2])];
      if (state.micro) { setTriggerValue("point", xy); return; }
      // draw your own: an id per click, so a point is added exactly once; shift erases
      setTriggerValue("draw", {xy, erase: ev.shiftKey, id: `${Date.now()}-${Math.random()}`});
    });
  }
  const state = root.__nnpg;
  // the parts that never change while training come once; a frame names the ones it needs
  if (sent.still) { state.still = sent.still; state.sid = sent.sid; }
  if (state.sid !== sent.sid) { setTriggerValue("need", sent.sid); return; }
  const data = Object.assign({}, state.still, sent);
  state.micro = data.micro || null;
  state.draw = data.draw || null;
  root.querySelector("canvas").classList.toggle("drawing", !!state.draw);
  if (!state.resize) {      // the page got narrower or wider (a sidebar opened): fit the
    state.resize = new ResizeObserver(() => state.last && layOut(root, state.last, state));
    state.resize.observe(root);                // network again, even while paused
  }
  state.last = data;
  paintBoundary(root.querySelector("canvas"), data, state);
  const caption = root.querySelector(".nnpg-caption");
  caption.textContent = data.caption;
  caption.style.maxWidth = `${Math.max(360, data.size)}px`;  // as wide as the map when larger
  layOut(root, data, state);
}

function layOut(root, d, state) {
  const room = root.clientWidth - d.size - 30;
  const g = geometry(d, room);
  if (state.layoutKey !== g.key) {            // a new network shape: build the diagram once
    state.net = buildNetwork(root.querySelector(".nnpg-network"), d, g);
    state.layoutKey = g.key;
  }
  updateNetwork(state.net, d, g, state);
}
