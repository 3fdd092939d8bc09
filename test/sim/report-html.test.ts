// report.html: self-contained (no external resource), and in headless Debian chromium it renders
// with no console errors and a screenshot that is not blank. The page counts window errors and
// console.error calls into <body data-console-errors>, read back with --dump-dom; chromium's own
// log of console messages on stderr is checked too, and a page with a deliberate error shows that
// both detectors work. Skips, with the reason, when /usr/bin/chromium is not installed
// (scripts/ensure-debian-packages.sh installs it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport, reportHtml, runInfo } from "../../sim/report.js";
import type { Report } from "../../sim/report.js";
import { escapeHtml } from "../../sim/report-html.js";
import { buildSimulation, formatScenarioErrors, parseScenario } from "../../sim/scenario.js";
import { CHROMIUM, chromiumAvailable, consoleLines, dumpDom, screenshot } from "./report-chromium.js";
import { decodePng, pixelStats } from "./report-png.js";

const DIR = join(import.meta.dirname, "../../sim/scenarios");

async function reportFor(file: string): Promise<Report> {
  const r = parseScenario(JSON.parse(readFileSync(join(DIR, file), "utf8")));
  if (!r.ok) throw new Error(formatScenarioErrors(r.errors));
  const h = buildSimulation(r.scenario);
  try {
    await h.run();
  } finally {
    await h.close();
  }
  return buildReport(h.sim, h.scenario, runInfo(h, { startedAt: "2026-01-01T00:00:00.000Z", elapsedS: 1.25, speedup: 480 }));
}

let twoMeshes: Report;
let html: string;

beforeAll(async () => {
  twoMeshes = await reportFor("two-meshes.json");
  html = reportHtml(twoMeshes);
});

describe("report.html content", () => {
  it("is one self-contained page: inline CSS and script only, a CSP that forbids fetching anything", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<(script|img|iframe)\b[^>]*\bsrc=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain("Content-Security-Policy");
    expect(html).toContain("default-src 'none'");
  });

  it("shows the map, the statistics, the per-node table and what crossed via MQTT", () => {
    expect(html).toContain('<svg id="map"');
    // One circle per node, gateways ringed, heard links drawn.
    expect(html.match(/<circle class="node"/g)?.length).toBeGreaterThanOrEqual(twoMeshes.nodes.length);
    expect(html.match(/stroke="#f59e0b" stroke-width="3"/g)?.length).toBeGreaterThanOrEqual(2);
    expect(html).toContain("MQTT broker");
    expect(html).toContain('<g class="links"><line');
    for (const id of ["summary", "delivery", "latency", "reach-hist", "ports", "scheduled-table", "mqtt", "crossed", "gateways", "messages-table", "nodes-table"]) expect(html).toContain('id="' + id + '"');
    expect(html).toContain("Hello from island A");
    expect(html).toContain("Hello from island B");
    for (const n of twoMeshes.nodes) expect(html).toContain(">" + n.name);
    expect(html).toContain('<tr class="gw">');
  });

  it("escapes scenario text", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
  });
});

describe("the PNG reader used for screenshots", () => {
  // Encodes an RGB image with a different filter on each row, as encoders do.
  function encode(w: number, h: number, px: (x: number, y: number) => [number, number, number]): Uint8Array {
    const stride = w * 3;
    const raw = new Uint8Array(h * (stride + 1));
    let prev = new Uint8Array(stride);
    for (let y = 0; y < h; y++) {
      const row = new Uint8Array(stride);
      for (let x = 0; x < w; x++) row.set(px(x, y), x * 3);
      const f = y % 5;
      raw[y * (stride + 1)] = f;
      for (let i = 0; i < stride; i++) {
        const a = i >= 3 ? row[i - 3] : 0;
        const b = prev[i];
        const c = i >= 3 ? prev[i - 3] : 0;
        const p = a + b - c;
        const pr = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
        const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : pr;
        raw[y * (stride + 1) + 1 + i] = (row[i] - pred) & 0xff;
      }
      prev = row;
    }
    const chunk = (type: string, data: Uint8Array): Buffer => {
      const b = Buffer.alloc(12 + data.length);
      b.writeUInt32BE(data.length, 0);
      b.write(type, 4, "ascii");
      Buffer.from(data).copy(b, 8);
      return b; // CRC left 0: the reader does not check it
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(h, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))]));
  }

  it("unfilters every filter type", () => {
    const px = (x: number, y: number): [number, number, number] => [(x * 37 + y * 11) & 0xff, (x * y + 3) & 0xff, x < 4 ? 255 : 10];
    const img = decodePng(encode(9, 10, px));
    expect([img.width, img.height]).toEqual([9, 10]);
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < 9; x++) {
        const i = (y * 9 + x) * 4;
        expect([img.rgba[i], img.rgba[i + 1], img.rgba[i + 2], img.rgba[i + 3]]).toEqual([...px(x, y), 255]);
      }
  });

  it("measures how much of an image is not background", () => {
    const blank = pixelStats(decodePng(encode(20, 20, () => [255, 255, 255])));
    expect(blank).toEqual({ background: 0xffffff, nonBackground: 0, colours: 1 });
    const half = pixelStats(decodePng(encode(20, 20, (x) => (x < 5 ? [0, 0, 0] : [255, 255, 255]))));
    expect(half.nonBackground).toBe(0.25);
  });

  it("rejects what is not a PNG", () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a PNG/);
  });
});

const haveChromium = chromiumAvailable();
if (!haveChromium) console.warn("report-html test: skipping the browser checks: " + CHROMIUM + " is not installed (scripts/ensure-debian-packages.sh installs chromium when run as root)");

describe.skipIf(!haveChromium)("report.html in headless chromium (" + CHROMIUM + ")", () => {
  let dir = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "meshport-report-"));
  });

  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it.each(["two-meshes.json", "meshtasticator-reference.json"])("%s: renders with no console errors and a non-blank screenshot", async (file) => {
    const page = join(dir, file.replace(".json", ".html"));
    writeFileSync(page, file === "two-meshes.json" ? html : reportHtml(await reportFor(file)));
    const url = "file://" + page;

    const dom = dumpDom(url);
    expect(dom.status, dom.stderr).toBe(0);
    expect(dom.stdout).toMatch(/<body[^>]*data-console-errors="0"/);
    expect(dom.stdout).toMatch(/<body[^>]*data-report-ready="1"/);
    expect(consoleLines(dom.stderr)).toEqual([]);

    const png = join(dir, file.replace(".json", ".png"));
    const shot = screenshot(url, png);
    expect(shot.status, shot.stderr).toBe(0);
    expect(consoleLines(shot.stderr)).toEqual([]);
    const img = decodePng(new Uint8Array(readFileSync(png)));
    expect([img.width, img.height]).toEqual([1200, 900]);
    const st = pixelStats(img);
    // The header bar, cards, map and text: far from a blank page.
    expect(st.nonBackground).toBeGreaterThan(0.1);
    expect(st.colours).toBeGreaterThan(50);
  });

  it("the detectors see a page's errors (a control page with a deliberate one)", () => {
    const page = join(dir, "broken.html");
    writeFileSync(page, html.replace("</body>", '<script>console.error("deliberate"); undefinedFunction();</script></body>'));
    const dom = dumpDom("file://" + page);
    expect(dom.stdout).toMatch(/<body[^>]*data-console-errors="2"/);
    expect(consoleLines(dom.stderr).join("\n")).toMatch(/deliberate[\s\S]*undefinedFunction/);
  });
});
