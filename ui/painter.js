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
  const radius = Math.max(2, Math.floor(size / 110));
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
  canvas.dataset.frame = String(d.frame);
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

function networkSvg(d, hrefs, room) {
  const cols = d.net.columns, weights = d.net.weights, selected = d.net.selected;
  const thumb = 40, gap = 10;
  // narrow the columns to sit beside the big map when the page is wide enough for that
  const colWidth = Math.max(80, Math.min(150, (room - thumb - 40) / Math.max(cols.length - 1, 1)));
  const tallest = Math.max(...cols.map(c => c.labels.length));
  const height = 40 + tallest * (thumb + gap), width = colWidth * (cols.length - 1) + thumb + 40;
  const pos = (ci, ni) => [20 + ci * colWidth,
    30 + (tallest - cols[ci].labels.length) * (thumb + gap) / 2 + ni * (thumb + gap)];
  let maxAbs = 1e-9;
  for (const w of weights) if (w) for (const row of w) for (const v of row) if (v !== null) maxAbs = Math.max(maxAbs, Math.abs(v));
  const off = new Set(d.inactive || []);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`];
  weights.forEach((w, ci) => {
    if (!w) return;
    w.forEach((row, o) => row.forEach((v, i) => {
      if (v === null) return;                       // an input that is switched off
      const [x0, y0] = pos(ci, i), [x1, y1] = pos(ci + 1, o);
      const colour = v >= 0 ? "#0877bd" : "#f59322";
      const lw = 0.5 + 5.5 * Math.min(Math.abs(v) / maxAbs, 1);
      const mid = (x0 + thumb + x1) / 2, ya = y0 + thumb / 2, yb = y1 + thumb / 2;
      parts.push(`<path d="M${x0 + thumb},${ya} C${mid},${ya} ${mid},${yb} ${x1},${yb}" stroke="${colour}" stroke-width="${lw.toFixed(2)}" fill="none" opacity="0.75"><title>Weight ${esc(cols[ci].labels[i])} → ${esc(cols[ci + 1].labels[o])}: ${v.toPrecision(3)}</title></path>`);
    }));
  });
  cols.forEach((col, ci) => {
    const [x] = pos(ci, 0);
    parts.push(`<text x="${x + thumb / 2}" y="14" text-anchor="middle" fill="#444">${esc(col.title)}</text>`);
    col.labels.forEach((label, ni) => {
      const [x, y] = pos(ci, ni), on = label === selected;
      const input = ci === 0, faded = off.has(label);
      const tip = input ? (faded ? `${label}: switched off, click to feed it to the network`
                                 : `${label}: click to switch this input off`)
                        : `${label}: click to see it large`;
      const href = label === "output" ? hrefs.output : (col.maps[ni] >= 0 ? hrefs[col.maps[ni]] : "");
      parts.push(`<g class="neuron${input ? " input" : ""}" data-label="${esc(label)}" style="cursor:pointer" opacity="${faded ? 0.3 : 1}"><title>${esc(tip)}</title>` +
        `<image href="${href}" x="${x}" y="${y}" width="${thumb}" height="${thumb}" style="image-rendering:pixelated"/>` +
        `<rect x="${x}" y="${y}" width="${thumb}" height="${thumb}" fill="none" stroke="${on ? "#111" : "#bbb"}" stroke-width="${on ? 3 : 1}"/></g>`);
    });
  });
  parts.push("</svg>");
  return parts.join("");
}

function neuronHrefs(d, state) {
  const rs = d.rs, values = bytes(d.maps), n = values.length / (rs * rs);
  const c = state.thumb || (state.thumb = document.createElement("canvas"));
  c.width = rs; c.height = rs;
  let ctx = c.getContext("2d");
  const hrefs = [];
  for (let m = 0; m < n; m++) {
    ctx.putImageData(mapImage(ctx, rs, values, m * rs * rs, d.lut), 0, 0);
    hrefs.push(c.toDataURL());
  }
  const r = d.r;
  c.width = r; c.height = r;                      // the output thumbnail keeps full resolution
  ctx = c.getContext("2d");
  const o = d.output;
  ctx.putImageData(o.mode === "classes" ? classImage(ctx, r, bytes(o.cls), bytes(o.strength), d.classes)
                                        : mapImage(ctx, r, bytes(o.map), 0, d.lut), 0, 0);
  hrefs.output = c.toDataURL();
  return hrefs;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data) return;
  let root = parentElement.querySelector(".nnpg");
  if (!root) {
    root = document.createElement("div");
    root.className = "nnpg";
    root.innerHTML = `<div class="nnpg-boundary"><canvas data-frame="-1"></canvas><div class="nnpg-caption"></div></div><div class="nnpg-network"></div>`;
    parentElement.appendChild(root);
    root.querySelector(".nnpg-network").addEventListener("pointerdown", ev => {  // not "click": the SVG is redrawn every frame
      const g = ev.target.closest("g.neuron");
      if (!g) return;
      if (g.classList.contains("input"))     // an id per click: a toggle must apply exactly once
        setTriggerValue("feature", {label: g.dataset.label, id: `${Date.now()}-${Math.random()}`});
      else setTriggerValue("select", g.dataset.label);
    });
    root.querySelector("canvas").addEventListener("pointerdown", () => setTriggerValue("select", "output"));
  }
  const state = root.__nnpg || (root.__nnpg = {});
  const d = data;
  paintBoundary(root.querySelector("canvas"), d, state);
  root.querySelector(".nnpg-caption").textContent = d.caption;
  const room = root.clientWidth - d.size - 30;
  root.querySelector(".nnpg-network").innerHTML = networkSvg(d, neuronHrefs(d, state), room);
}
