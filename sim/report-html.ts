// report.html: one self-contained page (inline CSS and script, no external resource; a
// Content-Security-Policy forbids any) showing a run: the node map as SVG (positions scaled to the
// viewport, roles by colour, gateways ringed, the LoRa links that can be heard, the broker joining
// the gateways), delivery statistics, the scenario's own messages, what crossed via MQTT, and a
// per-node table. The inline script only sorts tables and counts errors: it counts window errors
// and console.error calls into <body data-console-errors>, which the headless-browser test reads.
import type { Report, ReportLink, ReportNode } from "./report.js";

/** Rows of the per-node and per-message tables in the page (report.json has more). */
export const HTML_LIMITS = { nodeRows: 2000, messageRows: 300, labelNodes: 60 } as const;

const ROLE_COLOURS: Record<string, string> = {
  CLIENT: "#2563eb",
  CLIENT_MUTE: "#64748b",
  CLIENT_HIDDEN: "#94a3b8",
  CLIENT_BASE: "#0891b2",
  ROUTER: "#dc2626",
  ROUTER_LATE: "#9f1239",
  ROUTER_CLIENT: "#ea580c",
  REPEATER: "#9333ea",
  TRACKER: "#16a34a",
  TAK_TRACKER: "#15803d",
  SENSOR: "#65a30d",
  TAK: "#0d9488",
  LOST_AND_FOUND: "#a16207",
};
const GATEWAY_COLOUR = "#f59e0b";

function roleColour(role: string): string {
  return ROLE_COLOURS[role] !== undefined ? ROLE_COLOURS[role] : "#475569";
}

export function escapeHtml(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === "&") out += "&amp;";
    else if (c === "<") out += "&lt;";
    else if (c === ">") out += "&gt;";
    else if (c === '"') out += "&quot;";
    else if (c === "'") out += "&#39;";
    else out += c;
  }
  return out;
}

const e = escapeHtml;

function f1(v: number): string {
  return v.toFixed(1);
}

function pct(v: number | null): string {
  return v === null ? "–" : v.toFixed(1) + " %";
}

function ms(v: number | null): string {
  if (v === null) return "–";
  if (v >= 10_000) return (v / 1000).toFixed(1) + " s";
  return Math.round(v) + " ms";
}

function km(m: number): string {
  return m >= 1000 ? (m / 1000).toFixed(m >= 10_000 ? 0 : 1) + " km" : Math.round(m) + " m";
}

/** A "nice" scale-bar length (1, 2 or 5 × 10^k m) near `target`. */
function niceLength(target: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(Math.max(target, 1))));
  for (const k of [5, 2, 1]) if (k * p <= target) return k * p;
  return p;
}

interface View {
  w: number;
  h: number;
  minX: number;
  maxY: number;
  scale: number;
  pad: number;
}

/** Scales the bounding box of `nodes` (the area when empty) into a `w` × at most `maxH` viewport, aspect kept. */
function view(nodes: ReportNode[], area: { widthM: number; depthM: number }, w: number, maxH: number, minH: number): View {
  let minX = 0;
  let minY = 0;
  let maxX = area.widthM;
  let maxY = area.depthM;
  if (nodes.length > 0) {
    minX = Infinity;
    minY = Infinity;
    maxX = -Infinity;
    maxY = -Infinity;
    for (const n of nodes) {
      if (n.x < minX) minX = n.x;
      if (n.x > maxX) maxX = n.x;
      if (n.y < minY) minY = n.y;
      if (n.y > maxY) maxY = n.y;
    }
  }
  const margin = Math.max(150, 0.06 * Math.max(maxX - minX, maxY - minY));
  minX -= margin;
  maxX += margin;
  minY -= margin;
  maxY += margin;
  const spanX = maxX - minX;
  const spanY = maxY - minY;
  const pad = 24;
  let scale = (w - 2 * pad) / spanX;
  let h = spanY * scale + 2 * pad;
  if (h > maxH) {
    scale = (maxH - 2 * pad) / spanY;
    h = maxH;
  }
  if (h < minH) h = minH;
  // Centre the box in the viewport.
  const offX = (w - 2 * pad - spanX * scale) / 2 / scale;
  const offY = (h - 2 * pad - spanY * scale) / 2 / scale;
  return { w, h: Math.round(h), minX: minX - offX, maxY: maxY + offY, scale, pad };
}

function sx(v: View, x: number): number {
  return Math.round((v.pad + (x - v.minX) * v.scale) * 10) / 10;
}

function sy(v: View, y: number): number {
  return Math.round((v.pad + (v.maxY - y) * v.scale) * 10) / 10;
}

function linkSvg(v: View, nodes: ReportNode[], l: ReportLink): string {
  const a = nodes[l.a];
  const b = nodes[l.b];
  const both = l.rssiAb !== null && l.rssiBa !== null;
  const best = Math.max(l.rssiAb !== null ? l.rssiAb : -200, l.rssiBa !== null ? l.rssiBa : -200);
  // Stronger links darker: −135 dBm faint, −85 dBm and above solid.
  const op = Math.max(0.15, Math.min(0.8, (best + 135) / 50));
  const title = a.name + " ↔ " + b.name + ": " + (l.rssiAb !== null ? f1(l.rssiAb) + " dBm" : "not decodable") + " / " + (l.rssiBa !== null ? f1(l.rssiBa) + " dBm" : "not decodable");
  return (
    '<line x1="' + sx(v, a.x) + '" y1="' + sy(v, a.y) + '" x2="' + sx(v, b.x) + '" y2="' + sy(v, b.y) + '" stroke="#334155" stroke-opacity="' + op.toFixed(2) + '"' +
    (both ? "" : ' stroke-dasharray="4 3"') + "><title>" + e(title) + "</title></line>"
  );
}

function scaleBar(v: View): string {
  const len = niceLength(v.w / 5 / v.scale);
  const px = Math.round(len * v.scale);
  const y0 = v.h - 14;
  return (
    '<g class="scale"><line x1="16" y1="' + y0 + '" x2="' + (16 + px) + '" y2="' + y0 + '" stroke="#0f172a" stroke-width="2"/>' +
    '<line x1="16" y1="' + (y0 - 4) + '" x2="16" y2="' + (y0 + 4) + '" stroke="#0f172a" stroke-width="2"/><line x1="' + (16 + px) + '" y1="' + (y0 - 4) + '" x2="' + (16 + px) + '" y2="' + (y0 + 4) + '" stroke="#0f172a" stroke-width="2"/>' +
    '<text x="' + (20 + px) + '" y="' + (y0 + 4) + '" class="lbl">' + km(len) + "</text></g>"
  );
}

interface MapOptions {
  id: string;
  w: number;
  maxH: number;
  minH: number;
  /** Node indices to draw (all when undefined); links are drawn when both ends are. */
  subset: number[] | undefined;
  broker: boolean;
  area: boolean;
}

function mapSvg(r: Report, o: MapOptions): string {
  const shown: ReportNode[] = o.subset !== undefined ? o.subset.map((i) => r.nodes[i]) : r.nodes;
  const inSet = new Uint8Array(r.nodes.length);
  for (const n of shown) inSet[n.index] = 1;
  const v = view(shown, r.scenario.area, o.w, o.maxH, o.minH);
  const n = shown.length;
  const radius = n <= 50 ? 7 : n <= 500 ? 4.5 : n <= 5000 ? 2.5 : 1.5;
  const parts: string[] = [];
  parts.push('<svg id="' + o.id + '" class="map" role="img" aria-label="node map" viewBox="0 0 ' + v.w + " " + v.h + '" width="' + v.w + '" height="' + v.h + '">');
  parts.push('<rect x="0" y="0" width="' + v.w + '" height="' + v.h + '" fill="#f8fafc"/>');
  if (o.area)
    parts.push(
      '<rect x="' + sx(v, 0) + '" y="' + sy(v, r.scenario.area.depthM) + '" width="' + Math.round(r.scenario.area.widthM * v.scale) + '" height="' + Math.round(r.scenario.area.depthM * v.scale) +
        '" fill="none" stroke="#cbd5e1" stroke-dasharray="6 4"><title>scenario area</title></rect>',
    );
  parts.push('<g class="links">');
  for (const l of r.links.drawn) if (inSet[l.a] === 1 && inSet[l.b] === 1) parts.push(linkSvg(v, r.nodes, l));
  parts.push("</g>");
  // The broker, joined to every gateway shown.
  const gws = r.mqtt !== null ? r.mqtt.gateways.filter((g) => inSet[g.index] === 1) : [];
  if (o.broker && gws.length > 0) {
    let gx = 0;
    for (const g of gws) gx += sx(v, r.nodes[g.index].x);
    const bx = Math.round(gx / gws.length);
    const by = 16;
    parts.push('<g class="broker">');
    for (const g of gws) {
      const node = r.nodes[g.index];
      parts.push('<line x1="' + bx + '" y1="' + (by + 10) + '" x2="' + sx(v, node.x) + '" y2="' + sy(v, node.y) + '" stroke="' + GATEWAY_COLOUR + '" stroke-width="2" stroke-dasharray="8 5"><title>' + e(node.name) + " ↔ broker (MQTT)</title></line>");
    }
    parts.push('<rect x="' + (bx - 44) + '" y="' + (by - 10) + '" width="88" height="22" rx="5" fill="#fff7ed" stroke="' + GATEWAY_COLOUR + '" stroke-width="2"/>');
    parts.push('<text x="' + bx + '" y="' + (by + 5) + '" text-anchor="middle" class="lbl">MQTT broker</text></g>');
  }
  parts.push('<g class="nodes">');
  for (const node of shown) {
    const x = sx(v, node.x);
    const y = sy(v, node.y);
    const title =
      node.name + " (" + node.id + ")\nrole " + node.role + (node.gateway ? ", MQTT gateway" : "") + ", hop limit " + node.hopLimit + "\nisland " + (node.island + 1) + ", heard by " + node.heardBy +
      "\nsent " + node.sent + " (relayed " + node.relayed + "), received " + node.received + ", collisions " + node.collisions + "\nchannel util " + pct(node.channelUtilPercent);
    if (node.gateway) parts.push('<circle cx="' + x + '" cy="' + y + '" r="' + (radius + 4) + '" fill="none" stroke="' + GATEWAY_COLOUR + '" stroke-width="3"/>');
    parts.push('<circle class="node" cx="' + x + '" cy="' + y + '" r="' + radius + '" fill="' + roleColour(node.role) + '" stroke="#fff" stroke-width="1"><title>' + e(title) + "</title></circle>");
    if (n <= HTML_LIMITS.labelNodes) parts.push('<text x="' + (x + radius + 3) + '" y="' + (y - radius - 1) + '" class="lbl">' + e(node.name) + "</text>");
  }
  parts.push("</g>");
  parts.push(scaleBar(v));
  parts.push("</svg>");
  return parts.join("");
}

/** Close-ups of islands that the overview draws too small to read (under a tenth of its span). */
function islandCloseUps(r: Report): string {
  if (r.summary.islands < 2 || r.summary.islands > 12) return "";
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const n of r.nodes) {
    minX = Math.min(minX, n.x);
    maxX = Math.max(maxX, n.x);
    minY = Math.min(minY, n.y);
    maxY = Math.max(maxY, n.y);
  }
  const span = Math.max(maxX - minX, maxY - minY, 1);
  const out: string[] = [];
  for (let k = 0; k < r.summary.islands; k++) {
    const members = r.nodes.filter((n) => n.island === k).map((n) => n.index);
    if (members.length < 2) continue;
    let a = Infinity;
    let b = -Infinity;
    let c = Infinity;
    let d = -Infinity;
    for (const i of members) {
      a = Math.min(a, r.nodes[i].x);
      b = Math.max(b, r.nodes[i].x);
      c = Math.min(c, r.nodes[i].y);
      d = Math.max(d, r.nodes[i].y);
    }
    if (Math.max(b - a, d - c) > span / 10) continue;
    out.push('<figure class="closeup"><figcaption>island ' + (k + 1) + " (" + members.length + " nodes)</figcaption>" + mapSvg(r, { id: "island-" + (k + 1), w: 360, maxH: 280, minH: 200, subset: members, broker: false, area: false }) + "</figure>");
  }
  return out.length > 0 ? '<div class="closeups">' + out.join("") + "</div>" : "";
}

function legend(r: Report): string {
  const roles: string[] = [];
  for (const n of r.nodes) if (!roles.includes(n.role)) roles.push(n.role);
  roles.sort();
  const items = roles.map((role) => '<span class="key"><svg width="14" height="14"><circle cx="7" cy="7" r="6" fill="' + roleColour(role) + '"/></svg>' + e(role) + "</span>");
  if (r.nodes.some((n) => n.gateway)) items.push('<span class="key"><svg width="18" height="18"><circle cx="9" cy="9" r="7" fill="none" stroke="' + GATEWAY_COLOUR + '" stroke-width="3"/></svg>MQTT gateway</span>');
  items.push('<span class="key"><svg width="26" height="10"><line x1="0" y1="5" x2="26" y2="5" stroke="#334155"/></svg>link heard both ways</span>');
  items.push('<span class="key"><svg width="26" height="10"><line x1="0" y1="5" x2="26" y2="5" stroke="#334155" stroke-dasharray="4 3"/></svg>one way only</span>');
  return '<div class="legend">' + items.join("") + "</div>";
}

function card(label: string, value: string, sub?: string): string {
  return '<div class="card"><div class="v">' + e(value) + '</div><div class="l">' + e(label) + "</div>" + (sub !== undefined ? '<div class="s">' + e(sub) + "</div>" : "") + "</div>";
}

function histogramSvg(hist: number[]): string {
  const max = Math.max(1, ...hist);
  const w = 420;
  const h = 160;
  const bw = 36;
  const parts = ['<svg id="reach-hist" viewBox="0 0 ' + w + " " + h + '" width="' + w + '" height="' + h + '" role="img" aria-label="reach histogram">'];
  for (let i = 0; i < hist.length; i++) {
    const bh = Math.round((hist[i] / max) * (h - 40));
    const x = 10 + i * (bw + 4);
    parts.push('<rect x="' + x + '" y="' + (h - 22 - bh) + '" width="' + bw + '" height="' + bh + '" fill="#3b82f6"><title>' + i * 10 + "–" + (i === 9 ? 100 : i * 10 + 10) + " %: " + hist[i] + " messages</title></rect>");
    parts.push('<text x="' + (x + bw / 2) + '" y="' + (h - 24 - bh) + '" text-anchor="middle" class="lbl">' + hist[i] + "</text>");
    parts.push('<text x="' + (x + bw / 2) + '" y="' + (h - 8) + '" text-anchor="middle" class="lbl">' + i * 10 + "</text>");
  }
  parts.push("</svg>");
  return parts.join("");
}

/** A sortable table; cells are HTML already escaped by the caller. */
function table(id: string, head: string[], rows: string[][], numeric: boolean[], rowClasses?: string[]): string {
  const th = head.map((h, i) => "<th" + (numeric[i] ? ' class="n"' : "") + ">" + e(h) + "</th>").join("");
  const body = rows
    .map((r, k) => {
      const cls = rowClasses !== undefined && rowClasses[k] !== "" ? ' class="' + rowClasses[k] + '"' : "";
      return "<tr" + cls + ">" + r.map((c, i) => "<td" + (numeric[i] ? ' class="n"' : "") + ">" + c + "</td>").join("") + "</tr>";
    })
    .join("\n");
  return '<table id="' + id + '" class="sortable"><thead><tr>' + th + "</tr></thead><tbody>\n" + body + "\n</tbody></table>";
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#0f172a;background:#ffffff}
header{background:#0f172a;color:#f8fafc;padding:14px 24px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#cbd5e1}
main{padding:16px 24px;max-width:1200px}
h2{font-size:18px;margin:24px 0 8px;border-bottom:2px solid #e2e8f0;padding-bottom:4px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#eff6ff;border:1px solid #bfdbfe;border-radius:8px;padding:8px 14px;min-width:130px}
.card .v{font-size:22px;font-weight:700;color:#1e3a8a}
.card .l{font-size:12px;color:#334155}
.card .s{font-size:11px;color:#64748b}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:6px 0}
.key{display:inline-flex;align-items:center;gap:5px;font-size:12px}
svg text.lbl{font-size:11px;fill:#0f172a}
svg.map{border:1px solid #cbd5e1;border-radius:6px;max-width:100%;height:auto}
.closeups{display:flex;flex-wrap:wrap;gap:14px;margin-top:8px}
.closeup{margin:0}
.closeup figcaption{font-size:12px;color:#334155;margin-bottom:2px}
table{border-collapse:collapse;margin:6px 0;font-size:12.5px}
th,td{border:1px solid #e2e8f0;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f1f5f9;cursor:pointer;user-select:none}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.gw td{background:#fff7ed}
.note{color:#64748b;font-size:12px}
.ok{color:#15803d;font-weight:600}
.bad{color:#b91c1c;font-weight:600}
.cols{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
footer{padding:12px 24px;color:#64748b;font-size:12px;border-top:1px solid #e2e8f0}
`;

// Runs first: counts errors (uncaught, resource, rejected promises, console.error) into the DOM.
const ERROR_COUNTER = `(function(){var n=0;function mark(){if(document.body)document.body.setAttribute("data-console-errors",String(n));}
window.addEventListener("error",function(){n++;mark();},true);
window.addEventListener("unhandledrejection",function(){n++;mark();});
var ce=console.error;console.error=function(){n++;mark();return ce.apply(console,arguments);};
document.addEventListener("DOMContentLoaded",function(){mark();});})();`;

// Click a header to sort its table (numbers numerically).
const SORTER = `(function(){function val(td){var t=td.textContent.trim();var x=parseFloat(t.replace(/[^0-9.eE+-]/g,""));return isNaN(x)||!/^[-+]?[0-9]/.test(t)?t.toLowerCase():x;}
var tables=document.querySelectorAll("table.sortable");
for(var k=0;k<tables.length;k++){(function(tb){var ths=tb.tHead.rows[0].cells;for(var i=0;i<ths.length;i++){(function(col){var asc=true;ths[col].addEventListener("click",function(){var body=tb.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=val(a.cells[col]),y=val(b.cells[col]);if(typeof x===typeof y){return (x<y?-1:x>y?1:0)*(asc?1:-1);}return (typeof x==="number"?-1:1)*(asc?1:-1);});
for(var r=0;r<rows.length;r++)body.appendChild(rows[r]);asc=!asc;});})(i);}})(tables[k]);}
document.body.setAttribute("data-report-ready","1");})();`;

/** The page for a report (see the file comment). */
export function reportHtml(r: Report): string {
  const s = r.summary;
  const title = "meshport simulation: " + r.scenario.name;
  const out: string[] = [];
  out.push("<!DOCTYPE html>");
  out.push('<html lang="en"><head><meta charset="utf-8">');
  out.push('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; script-src \'unsafe-inline\'; img-src data:">');
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push("<title>" + e(title) + "</title>");
  out.push("<script>" + ERROR_COUNTER + "</script>");
  out.push("<style>" + CSS + "</style></head>");
  out.push('<body data-console-errors="0">');
  out.push("<header><h1>" + e(title) + "</h1><p>" + e(r.scenario.description !== "" ? r.scenario.description : "") + "</p><p>" +
    e(r.scenario.nodes + " nodes · " + r.scenario.preset + " · region " + r.scenario.region + " · path loss " + r.scenario.pathLoss + " (link offsets σ " + r.scenario.linkOffsetSigmaDb + " dB) · " + r.run.simulatedS + " s simulated · seed " + r.run.seed) + "</p></header>");
  out.push("<main>");

  // Summary cards.
  out.push('<section id="summary"><h2>Summary</h2><div class="cards">');
  out.push(card("messages", String(s.messages), s.refused > 0 ? s.refused + " refused by the sender" : undefined));
  out.push(card("reachability", pct(100 * s.reachability), "deliveries / (messages × other nodes)"));
  if (s.broadcastReach !== null) out.push(card("broadcast reach", pct(100 * s.broadcastReach), "mean share of other nodes"));
  if (s.directSent > 0) out.push(card("DMs delivered", s.directDelivered + " / " + s.directSent));
  out.push(card("latency p50", ms(r.latencyMs.p50), "p95 " + ms(r.latencyMs.p95)));
  out.push(card("collisions", String(s.collisions), s.halfDuplexLosses + " lost to half duplex"));
  out.push(card("duplicates", String(s.duplicates), s.duplicateDeliveries + " duplicate deliveries"));
  out.push(card("channel utilisation", pct(s.channelUtilPercent), "max " + pct(s.channelUtilMaxPercent) + ", tx " + pct(s.txAirUtilPercent)));
  out.push(card("LoRa islands", String(s.islands)));
  if (r.mqtt !== null) out.push(card("crossed via MQTT", String(r.mqtt.crossedMessages), r.mqtt.crossedDeliveries + " deliveries on other islands"));
  out.push("</div></section>");

  // Map.
  out.push('<section id="map-section"><h2>Node map</h2>');
  out.push(legend(r));
  out.push(mapSvg(r, { id: "map", w: 1000, maxH: 700, minH: 250, subset: undefined, broker: true, area: true }));
  out.push(islandCloseUps(r));
  out.push('<p class="note">' + e(r.links.pairs + " node pairs can decode each other in at least one direction (static link budget, offsets included)" + (r.links.omitted > 0 ? "; the " + r.links.omitted + " weakest are not drawn" : "") + ". Hover a node or link for details.") + "</p>");
  out.push("</section>");

  // Delivery statistics.
  out.push('<section id="delivery"><h2>Delivery statistics</h2><div class="cols"><div>');
  const stat = (k: string, v: string): string[] => [e(k), e(v)];
  out.push(
    table(
      "stats",
      ["metric", "value"],
      [
        stat("messages created", String(s.messages)),
        stat("refused by the sender's router", String(s.refused)),
        stat("cancelled by the firmware before the air", String(s.notSent)),
        stat("deliveries (first copies)", String(s.deliveries)),
        stat("reachability", pct(100 * s.reachability)),
        stat("usefulness (unique deliveries / frames decoded)", pct(100 * s.usefulness)),
        stat("frames sent (of which relays)", s.framesSent + " (" + s.framesRelayed + ")"),
        stat("frames decoded", String(s.framesReceived)),
        stat("collisions", String(s.collisions)),
        stat("lost to half duplex", String(s.halfDuplexLosses)),
        stat("duplicates dropped by routers", String(s.duplicates)),
        stat("duplicate deliveries", String(s.duplicateDeliveries)),
        stat("tx air utilisation (mean)", pct(s.txAirUtilPercent)),
        stat("channel utilisation (mean / max)", pct(s.channelUtilPercent) + " / " + pct(s.channelUtilMaxPercent)),
      ],
      [false, true],
    ),
  );
  out.push("</div><div><h3>Latency of first deliveries</h3>");
  const L = r.latencyMs;
  out.push(table("latency", ["count", "mean", "p50", "p90", "p95", "p99", "max"], [[String(L.count), ms(L.mean), ms(L.p50), ms(L.p90), ms(L.p95), ms(L.p99), ms(L.max)].map(e)], [true, true, true, true, true, true, true]));
  out.push("<h3>Per message reach (share of other nodes, %)</h3>");
  out.push(histogramSvg(r.reachHistogram));
  out.push("</div><div><h3>By port</h3>");
  out.push(table("ports", ["port", "messages", "deliveries", "reach"], r.byPort.map((p) => [e(p.port), String(p.messages), String(p.deliveries), pct(p.reachPercent)]), [false, true, true, true]));
  out.push("</div></div></section>");

  // Scheduled messages.
  if (r.scheduled.length > 0) {
    out.push('<section id="scheduled"><h2>Scenario messages</h2>');
    out.push(
      table(
        "scheduled-table",
        ["at", "from", "to", "text", "delivered to", "first latency", "across the broker to"],
        r.scheduled.map((m) => [
          f1(m.atS) + " s",
          e(m.from),
          e(m.to),
          e(m.text),
          m.refused ? '<span class="bad">refused</span>' : (m.deliveredTo > 0 ? '<span class="ok">' : '<span class="bad">') + m.deliveredTo + "</span>" + (m.receivers.length > 0 ? ": " + e(m.receivers.join(", ")) : ""),
          ms(m.firstLatencyMs),
          m.crossedTo.length > 0 ? '<span class="ok">' + e(m.crossedTo.join(", ")) + "</span>" : "–",
        ]),
        [true, false, false, false, false, true, false],
      ),
    );
    out.push("</section>");
  }

  // MQTT.
  if (r.mqtt !== null) {
    const q = r.mqtt;
    out.push('<section id="mqtt"><h2>MQTT</h2>');
    out.push(
      "<p>Broker " + e(q.brokerAddress) + " · root " + e(q.root) + " · " + (q.encryptionEnabled ? "encrypted envelopes" : "decoded envelopes") + (q.jsonEnabled ? " + JSON" : "") + " · gateway ↔ broker latency " + q.latencyMs + " ms · " +
        q.viaMqttFrames + " frames put on LoRa with the via-MQTT bit</p>",
    );
    out.push(
      table(
        "gateways",
        ["gateway", "island", "connected", "uplinked", "downlinked", "publishes", "from broker", "queue drops"],
        q.gateways.map((g) => [e(g.name), String(g.island + 1), g.connected ? '<span class="ok">yes</span>' : '<span class="bad">no</span>', String(g.uplinked), String(g.downlinked), String(g.publishes), String(g.messagesDelivered), String(g.queueDropped)]),
        [false, true, false, true, true, true, true, true],
      ),
    );
    out.push("<h3>Messages that crossed via MQTT</h3>");
    if (q.crossed.length === 0) out.push('<p class="bad">No message reached another LoRa island through the broker.</p>');
    else
      out.push(
        table(
          "crossed",
          ["created", "from", "port", "text", "reached across", "first latency"],
          q.crossed.map((c) => [f1(c.createdS) + " s", e(c.originName), e(c.port), c.text !== null ? e(c.text) : "–", c.crossedCount + ": " + e(c.crossedTo.join(", ")), ms(c.firstCrossLatencyMs)]),
          [true, false, false, false, false, true],
        ),
      );
    if (q.crossedOmitted > 0) out.push('<p class="note">' + q.crossedOmitted + " more not listed.</p>");
    out.push("</section>");
  }

  // Messages.
  out.push('<section id="messages"><h2>Messages</h2>');
  const ml = r.messages.listed.slice(0, HTML_LIMITS.messageRows);
  out.push(
    table(
      "messages-table",
      ["created", "from", "id", "port", "to", "delivered to", "reach", "first", "last", "via MQTT"],
      ml.map((m) => [f1(m.createdS) + " s", e(m.originName), String(m.id), e(m.port), e(m.to), m.onAir || m.refused ? String(m.deliveredTo) : "not sent", pct(m.reachPercent), ms(m.firstLatencyMs), ms(m.lastLatencyMs), String(m.crossedMqtt)]),
      [true, false, true, false, false, true, true, true, true, true],
    ),
  );
  if (r.messages.total > ml.length) out.push('<p class="note">' + (r.messages.total - ml.length) + " more messages in report.json" + (r.messages.omitted > 0 ? " (which lists the first " + r.messages.listed.length + ")" : "") + ".</p>");
  out.push("</section>");

  // Nodes.
  out.push('<section id="nodes-section"><h2>Nodes</h2>');
  const nl = r.nodes.slice(0, HTML_LIMITS.nodeRows);
  const nodeRows = nl.map((n) => [
    String(n.index),
    e(n.name) + (n.gateway ? " <b>GW</b>" : ""),
    e(n.id),
    e(n.role),
    String(n.hopLimit),
    String(n.island + 1),
    String(Math.round(n.x)) + ", " + String(Math.round(n.y)),
    String(n.heardBy),
    String(n.sent),
    String(n.relayed),
    String(n.received),
    String(n.collisions),
    String(n.duplicates),
    String(n.delivered),
    pct(n.txUtilPercent),
    pct(n.channelUtilPercent),
  ]);
  out.push(
    table(
      "nodes-table",
      ["#", "name", "id", "role", "hops", "island", "x, y (m)", "heard by", "sent", "relayed", "received", "collisions", "duplicates", "delivered", "tx util", "channel util"],
      nodeRows,
      [true, false, false, false, true, true, false, true, true, true, true, true, true, true, true, true],
      nl.map((n) => (n.gateway ? "gw" : "")),
    ),
  );
  if (r.nodes.length > nl.length) out.push('<p class="note">' + (r.nodes.length - nl.length) + " more nodes in report.json.</p>");
  out.push("</section>");

  out.push("</main>");
  const w = r.wall;
  out.push("<footer>" + e("meshport " + r.format + " v" + r.version + " · " + r.run.queueEvents + " queue events, " + r.run.deadlineTicks + " deadline ticks" + (w !== null ? " · run " + w.startedAt + ", " + w.elapsedS.toFixed(2) + " s wall, " + Math.round(w.speedup) + "× real time" : "")) + "</footer>");
  out.push("<script>" + SORTER + "</script>");
  out.push("</body></html>");
  return out.join("\n");
}
