// A small PNG reader for screenshot checks (no dependency): signature, IHDR, IDAT chunks inflated
// with node:zlib, scanlines unfiltered (None, Sub, Up, Average, Paeth; PNG spec section 9). Only
// what headless Chromium writes: 8-bit greyscale, RGB or RGBA, not interlaced.
import { inflateSync } from "node:zlib";

export interface DecodedPng {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row after row. */
  rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

export function decodePng(file: Uint8Array): DecodedPng {
  for (let i = 0; i < 8; i++) if (file[i] !== SIGNATURE[i]) throw new Error("not a PNG (bad signature)");
  let pos = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colourType = -1;
  let interlace = 0;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= file.length) {
    const len = u32(file, pos);
    const type = String.fromCharCode(file[pos + 4], file[pos + 5], file[pos + 6], file[pos + 7]);
    const data = file.subarray(pos + 8, pos + 8 + len);
    if (data.length !== len) throw new Error("truncated " + type + " chunk");
    if (type === "IHDR") {
      width = u32(data, 0);
      height = u32(data, 4);
      bitDepth = data[8];
      colourType = data[9];
      interlace = data[12];
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    pos += 12 + len; // length, type, data, CRC
  }
  if (width === 0 || height === 0) throw new Error("no IHDR");
  if (bitDepth !== 8 || interlace !== 0) throw new Error("unsupported PNG: bit depth " + bitDepth + ", interlace " + interlace);
  const channels = colourType === 0 ? 1 : colourType === 2 ? 3 : colourType === 4 ? 2 : colourType === 6 ? 4 : 0;
  if (channels === 0) throw new Error("unsupported colour type " + colourType);
  let total = 0;
  for (const c of idat) total += c.length;
  const z = new Uint8Array(total);
  let o = 0;
  for (const c of idat) {
    z.set(c, o);
    o += c.length;
  }
  const raw = new Uint8Array(inflateSync(z));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error("image data too short: " + raw.length + " bytes for " + width + "×" + height);
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const v = raw[src + x];
      const a = x >= channels ? px[row + x - channels] : 0;
      const b = y > 0 ? px[prev + x] : 0;
      const c = y > 0 && x >= channels ? px[prev + x - channels] : 0;
      let out: number;
      if (filter === 0) out = v;
      else if (filter === 1) out = v + a;
      else if (filter === 2) out = v + b;
      else if (filter === 3) out = v + ((a + b) >> 1);
      else if (filter === 4) out = v + paeth(a, b, c);
      else throw new Error("bad filter type " + filter + " on row " + y);
      px[row + x] = out & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    if (channels === 1 || channels === 2) {
      rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = px[s];
      rgba[i * 4 + 3] = channels === 2 ? px[s + 1] : 255;
    } else {
      rgba[i * 4] = px[s];
      rgba[i * 4 + 1] = px[s + 1];
      rgba[i * 4 + 2] = px[s + 2];
      rgba[i * 4 + 3] = channels === 4 ? px[s + 3] : 255;
    }
  }
  return { width, height, rgba };
}

export interface PixelStats {
  /** The most common colour (0xRRGGBB), taken as the background. */
  background: number;
  /** Share of pixels that differ from it. */
  nonBackground: number;
  /** Distinct colours. */
  colours: number;
}

export function pixelStats(img: DecodedPng): PixelStats {
  const counts = new Map<number, number>();
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const c = (img.rgba[i * 4] << 16) | (img.rgba[i * 4 + 1] << 8) | img.rgba[i * 4 + 2];
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bg = 0;
  let best = -1;
  for (const [c, k] of counts) {
    if (k > best) {
      best = k;
      bg = c;
    }
  }
  return { background: bg, nonBackground: (n - best) / n, colours: counts.size };
}
