// NN Playground GAN lab: the plane (D's map, manifold, real and fake points, G's arrows) and the
// loss curves, painted on canvases. Every number was computed by the PyTorch model on the server;
// painting in place (no chart library re-render per frame) keeps the views steady at full speed.
function bytes(b64) {
  const s = atob(b64 || "");
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function fit(canvas, w, h) {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`; canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

function paintPlane(root, d, state) {
  const pad = 28, top = 8, size = Math.max(200, Math.min(d.size, root.clientWidth - pad - 8));
  const canvas = root.querySelector("canvas");
  const ctx = fit(canvas, size + pad, size + pad + top);
  ctx.clearRect(0, 0, size + pad, size + pad + top);
  const [lo, hi] = d.extent;
  state.geometry = {pad, top, size};
  const X = x => pad + (x - lo) / (hi - lo) * size, Y = y => top + (hi - y) / (hi - lo) * size;
  if (d.heat) {                                  // D's opinion: n × n levels through the colour table
    const n = d.heat.n, v = bytes(d.heat.levels), lut = d.heat.lut;
    const small = state.small || (state.small = document.createElement("canvas"));
    small.width = n; small.height = n;
    const sctx = small.getContext("2d"), img = sctx.createImageData(n, n);
    for (let row = 0; row < n; row++) for (let col = 0; col < n; col++) {
      const k = 3 * v[row * n + col], o = 4 * ((n - 1 - row) * n + col);   // row 0 is the bottom
      img.data[o] = lut[k]; img.data[o + 1] = lut[k + 1]; img.data[o + 2] = lut[k + 2]; img.data[o + 3] = 255;
    }
    sctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, pad, top, size, size);
  }
  ctx.save();
  ctx.beginPath(); ctx.rect(pad, top, size, size); ctx.clip();
  if (d.mesh) {                                  // the manifold: grid lines of noise through G
    ctx.strokeStyle = "rgba(70,70,70,0.45)"; ctx.lineWidth = 1;
    for (const line of d.mesh) {
      ctx.beginPath();
      for (let i = 0; i < line.length; i += 2) (i ? ctx.lineTo : ctx.moveTo).call(ctx, X(line[i]), Y(line[i + 1]));
      ctx.stroke();
    }
  }
  const dots = (xy, colour) => {
    ctx.fillStyle = colour;
    for (let i = 0; i < xy.length; i += 2) { ctx.beginPath(); ctx.arc(X(xy[i]), Y(xy[i + 1]), 2.2, 0, 2 * Math.PI); ctx.fill(); }
  };
  dots(d.real, "rgba(27,158,119,0.8)");
  if (d.drawn) {                                 // the student's own points: black rings
    ctx.strokeStyle = "#111"; ctx.lineWidth = 1.5;
    for (let i = 0; i < d.drawn.length; i += 2) { ctx.beginPath(); ctx.arc(X(d.drawn[i]), Y(d.drawn[i + 1]), 4, 0, 2 * Math.PI); ctx.stroke(); }
  }
  dots(d.fake, "rgba(123,63,196,0.85)");
  if (d.arrows) {                                // G's push: start x, y, end x, y per arrow
    ctx.strokeStyle = "#d95f02"; ctx.lineWidth = 1.3;
    const a = d.arrows;
    for (let i = 0; i < a.length; i += 4) {
      const x0 = X(a[i]), y0 = Y(a[i + 1]), x1 = X(a[i + 2]), y1 = Y(a[i + 3]);
      const len = Math.hypot(x1 - x0, y1 - y0);
      ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
      if (len > 4) {                             // a small head where it points
        const ux = (x1 - x0) / len, uy = (y1 - y0) / len, h = Math.min(5, len / 2);
        ctx.moveTo(x1, y1); ctx.lineTo(x1 - h * (ux - 0.5 * uy), y1 - h * (uy + 0.5 * ux));
        ctx.moveTo(x1, y1); ctx.lineTo(x1 - h * (ux + 0.5 * uy), y1 - h * (uy - 0.5 * ux));
      }
      ctx.stroke();
    }
  }
  ctx.restore();
  ctx.strokeStyle = "#bbb"; ctx.lineWidth = 1; ctx.strokeRect(pad + 0.5, top + 0.5, size - 1, size - 1);
  ctx.fillStyle = "#666"; ctx.font = "11px sans-serif";
  for (let t = Math.ceil(lo); t <= hi; t++) {
    ctx.textAlign = "center"; ctx.fillText(String(t), Math.min(X(t), pad + size - 4), top + size + 14);
    ctx.textAlign = "right"; ctx.fillText(String(t), pad - 4, Y(t) + 4);
  }
  root.querySelector(".gnc-legend").innerHTML = d.legend;
}

function paintCurves(root, d) {
  const w = Math.max(240, root.clientWidth - 4), h = d.height, left = 44, right = 36, top = 8, bottom = 22;
  const ctx = fit(root.querySelector("canvas"), w, h);
  ctx.clearRect(0, 0, w, h);
  const steps = d.steps, n = steps.length;
  ctx.strokeStyle = "#ddd"; ctx.strokeRect(left + 0.5, top + 0.5, w - left - right, h - top - bottom);
  ctx.fillStyle = "#666"; ctx.font = "11px sans-serif";
  if (n < 2) { root.querySelector(".gnc-legend").innerHTML = d.legend; return; }
  const s0 = steps[0], s1 = steps[n - 1], [y0, y1] = d.range;
  const X = s => left + (s - s0) / Math.max(s1 - s0, 1) * (w - left - right);
  const Y = (v, a, b) => top + (1 - (Math.min(Math.max(v, a), b) - a) / Math.max(b - a, 1e-9)) * (h - top - bottom);
  const line = (values, colour, a, b, dash) => {
    ctx.strokeStyle = colour; ctx.lineWidth = 1.3; ctx.setLineDash(dash || []); ctx.beginPath();
    values.forEach((v, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, X(steps[i]), Y(v, a, b)));
    ctx.stroke(); ctx.setLineDash([]);
  };
  line(d.d_loss, "#555", y0, y1);
  line(d.g_loss, "#7b3fc4", y0, y1);
  if (d.js_steps.length > 1) {
    ctx.strokeStyle = "#d95f02"; ctx.lineWidth = 1.5; ctx.setLineDash([4, 3]); ctx.beginPath();
    d.js_steps.forEach((s, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, X(s), Y(d.js[i], 0, 1)));
    ctx.stroke(); ctx.setLineDash([]);
  }
  ctx.textAlign = "right";
  ctx.fillText(y1.toFixed(2), left - 4, top + 9); ctx.fillText(y0.toFixed(2), left - 4, h - bottom);
  ctx.textAlign = "left"; ctx.fillText("JS 1", w - right + 4, top + 9); ctx.fillText("0", w - right + 4, h - bottom);
  ctx.textAlign = "center";
  ctx.fillText(`step ${s0.toLocaleString()}`, left + 40, h - 6);
  ctx.fillText(`step ${s1.toLocaleString()}`, w - right - 40, h - 6);
  root.querySelector(".gnc-legend").innerHTML = d.legend;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  if (!component.data) return;
  const raw = component.data;        // one JSON text in bytes (cheaper for the server)
  const data = (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw))
    ? JSON.parse(new TextDecoder().decode(raw)) : raw;
  if (data.kind !== "board") { mount(parentElement, data, setTriggerValue); return; }
  // A board: several views in one element, laid out by CSS grid areas, so a live frame is one
  // element for Streamlit (each element costs the browser a React re-render of the page).
  let board = parentElement.querySelector(".gnb");
  if (!board) {
    board = document.createElement("div");
    board.className = "gnb";
    parentElement.appendChild(board);
  }
  for (const part of data.parts) {
    let cell = board.querySelector(`:scope > .gnb-${part.area}`);
    if (!cell) {
      cell = document.createElement("div");
      cell.className = `gnb-cell gnb-${part.area}`;
      board.appendChild(cell);
    }
    if (part.kind === "html") {                   // our own escaped HTML (numbers, notes)
      if (cell.__html !== part.html) { cell.innerHTML = part.html; cell.__html = part.html; }
    } else {
      mount(cell, part, setTriggerValue);
    }
  }
}

function mount(parentElement, data, setTriggerValue) {
  let root = parentElement.querySelector(":scope > .gnc");
  if (!root) {
    root = document.createElement("div");
    root.className = `gnc gnc-${data.kind}`;
    root.innerHTML = `<canvas></canvas><div class="gnc-legend"></div>`;
    parentElement.appendChild(root);
    root.__gnc = {};
    new ResizeObserver(() => root.__gnc.last && paint(root, root.__gnc.last)).observe(root);
    root.querySelector("canvas").addEventListener("pointerdown", ev => {   // draw your own
      const g = root.__gnc.geometry, d = root.__gnc.last;
      if (!g || !d || !d.draw) return;
      const box = ev.currentTarget.getBoundingClientRect();
      const px = ev.clientX - box.left - g.pad, py = ev.clientY - box.top - g.top;
      if (px < 0 || py < 0 || px > g.size || py > g.size) return;
      const [lo, hi] = d.extent;
      setTriggerValue("point", {xy: [lo + px / g.size * (hi - lo), hi - py / g.size * (hi - lo)],
                                id: `${Date.now()}-${Math.random()}`});
    });
  }
  root.querySelector("canvas").style.cursor = data.draw ? "crosshair" : "default";
  root.__gnc.last = data;
  paint(root, data);
}

function paintGraph(root, d) {                  // noise → G → fake → D ← real, with the numbers
  const w = Math.max(300, root.clientWidth - 4), h = 146;
  const ctx = fit(root.querySelector("canvas"), w, h);
  ctx.clearRect(0, 0, w, h);
  const u = w / 100;                             // layout in percent of the width
  const nodes = {
    z: [0, 50, 12, "noise z", "", "#eeeeee"], G: [18, 50, 20, "Generator", d.g, "#e7d4f7"],
    fake: [45, 26, 22, "fake points", d.fake, "#f3eafc"],
    real: [45, 82, 22, "real points", d.real, "#dff3ec"], D: [75, 54, 24, "Discriminator", d.d, "#cdeee2"],
  };
  const box = name => { const [x, y, bw] = nodes[name]; return {x: x * u, y, w: bw * u, h: 36}; };
  const arrow = (a, b, colour, dashed) => {
    const p = box(a), q = box(b);
    const x0 = p.x + p.w, y0 = p.y, x1 = q.x, y1 = q.y;
    ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 1.3; ctx.setLineDash(dashed ? [4, 3] : []);
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke(); ctx.setLineDash([]);
    const a2 = Math.atan2(y1 - y0, x1 - x0);
    ctx.beginPath(); ctx.moveTo(x1, y1);
    ctx.lineTo(x1 - 7 * Math.cos(a2 - 0.4), y1 - 7 * Math.sin(a2 - 0.4));
    ctx.lineTo(x1 - 7 * Math.cos(a2 + 0.4), y1 - 7 * Math.sin(a2 + 0.4)); ctx.fill();
  };
  arrow("z", "G", "#333"); arrow("G", "fake", "#333"); arrow("fake", "D", "#333"); arrow("real", "D", "#333");
  const g = box("G"), dd = box("D");             // D's gradient flows back to G
  ctx.strokeStyle = "#d95f02"; ctx.setLineDash([4, 3]); ctx.beginPath();
  ctx.moveTo(dd.x + dd.w / 2, dd.y + 18); ctx.quadraticCurveTo(56 * u, 150, g.x + g.w / 2, g.y + 18); ctx.stroke();
  ctx.setLineDash([]); ctx.fillStyle = "#d95f02"; ctx.font = "11px sans-serif"; ctx.textAlign = "center";
  ctx.fillText("D's gradient trains G", 56 * u, 140);
  for (const name of Object.keys(nodes)) {
    const [, , , title, value, fill] = nodes[name], b = box(name);
    ctx.fillStyle = fill; ctx.strokeStyle = "#888"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.roundRect(b.x, b.y - b.h / 2, b.w, b.h, 8); ctx.fill(); ctx.stroke();
    ctx.fillStyle = "#222"; ctx.textAlign = "center"; ctx.font = "11px sans-serif";
    ctx.fillText(title, b.x + b.w / 2, b.y + (value ? -3 : 4));
    if (value) { ctx.font = "10px sans-serif"; ctx.fillStyle = "#444"; ctx.fillText(value, b.x + b.w / 2, b.y + 12); }
  }
  root.querySelector(".gnc-legend").innerHTML = d.legend;
}

function paint(root, d) {
  if (d.kind === "plane") paintPlane(root, d, root.__gnc);
  else if (d.kind === "graph") paintGraph(root, d);
  else paintCurves(root, d);
}
