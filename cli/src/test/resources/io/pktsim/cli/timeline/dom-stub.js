// Runs the timeline page's script under Node with a minimal DOM: a canvas that records what is drawn, tables
// that record their rows. Usage: node dom-stub.js PAGE.html. Prints one JSON line with what the page did after
// loading, a zoom, a pan, a hover, hiding a kind and a reset; exits 1 on any script error.
"use strict";
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const data = html.match(/<script type="application\/json" id="data">([\s\S]*?)<\/script>/)[1];
const code = html.match(/<script>\n([\s\S]*?)<\/script>/)[1];
const rects = [];
function el(tag) {
  const e = {
    tag, children: [], rows: [], style: {}, className: "", textContent: "", listeners: {},
    classList: { toggle(c, on) { e.off = on; } },
    appendChild(c) { e.children.push(c); return c; },
    addEventListener(t, f) { e.listeners[t] = f; },
    insertRow() { const r = el("tr"); r.cells = []; r.insertCell = () => { const c = el("td"); r.cells.push(c); return c; };
      e.rows.push(r); return r; },
    getBoundingClientRect() { return { left: 0, top: 0 }; },
  };
  Object.defineProperty(e, "textContent", { get() { return e._t || ""; }, set(v) { e._t = v; if (v === "") e.rows = []; } });
  return e;
}
const ctx = {
  clearRect() {}, fillText() {}, beginPath() {}, moveTo() {}, lineTo() {}, stroke() {}, save() {}, restore() {},
  rect() {}, clip() {}, setTransform() {},
  fillRect(x, y, w, h) { if (w === 3) rects.push([x, y, this.fillStyle]); },
};
const canvas = el("canvas");
canvas.getContext = () => ctx;
canvas.parentElement = { clientWidth: 1000 };
Object.defineProperty(canvas, "clientWidth", { get() { return parseInt(canvas.style.width || "1000", 10); } });
Object.defineProperty(canvas, "clientHeight", { get() { return parseInt(canvas.style.height || "100", 10); } });
const tip = el("div"), note = el("p"), texthead = el("th"), legendBody = el("tbody"), eventsBody = el("tbody");
global.window = { devicePixelRatio: 1, listeners: {}, addEventListener(t, f) { this.listeners[t] = f; } };
global.document = {
  getElementById(id) { return { data: { textContent: data }, tl: canvas, tip, note, texthead }[id]; },
  querySelector(q) { return q === "#legend tbody" ? legendBody : eventsBody; },
  createElement: el,
};
try {
  new Function(code)();
  const out = { lanes: 0, drawn: rects.length, rows: eventsBody.rows.length, legend: legendBody.rows.length };
  const D = JSON.parse(data);
  out.lanes = D.lanes.length;
  rects.length = 0;
  canvas.listeners.wheel({ preventDefault() {}, clientX: 112, deltaY: -1 });   // zoom in at the window's start
  out.zoomedDrawn = rects.length;
  out.zoomedRows = eventsBody.rows.length;
  canvas.listeners.mousedown({ clientX: 600 });
  canvas.listeners.mousemove({ clientX: 500, clientY: 0 });                   // pan
  window.listeners.mouseup();
  canvas.listeners.dblclick();
  const e = D.events[0];
  const x = 112 + e[0] / Math.max(1, D.span) * (1000 - 112 - 10);
  canvas.listeners.mousemove({ clientX: x, clientY: 26 + e[1] * 22 + 11 });  // hover the first event
  out.tip = tip.style.display === "block" ? tip.children.map(c => c.textContent).join(" | ") : "";
  rects.length = 0;
  legendBody.rows[0].listeners.click();                                      // hide the first kind
  out.hiddenDrawn = rects.length;
  out.hiddenRows = eventsBody.rows.length;
  out.note = note.textContent;
  out.texthead = texthead.textContent;
  out.firstRow = eventsBody.rows.length ? eventsBody.rows[0].cells.map(c => c.textContent) : [];
  console.log(JSON.stringify(out));
} catch (err) {
  console.error(String(err && err.stack || err));
  process.exit(1);
}
