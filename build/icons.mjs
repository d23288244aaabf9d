// Draws Berth's icons as PNGs with no image tools (`node build/icons.mjs` rewrites build/icons/):
// the app icon (a rounded square with a ring and a post: a mooring bollard seen from above) and
// one tray dot per state. Kept tiny on purpose; a designer's icon can replace these files.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
}
function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x + 0.5, y + 0.5), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const CLEAR = [0, 0, 0, 0];

function appIcon(size) {
  const s = size / 512;
  const accent = hex('#2563eb');
  return png(size, (x, y) => {
    const [cx, cy] = [x / s - 256, y / s - 256];
    const r = 200; // rounded square half-size
    const dx = Math.max(Math.abs(cx) - (r - 90), 0);
    const dy = Math.max(Math.abs(cy) - (r - 90), 0);
    if (Math.hypot(dx, dy) > 90 + 30) return CLEAR;
    const d = Math.hypot(cx, cy);
    if ((d > 120 && d < 150) || d < 55) return [255, 255, 255, 255];
    return [...accent, 255];
  });
}

function dot(size, color) {
  const c = hex(color);
  return png(size, (x, y) => (Math.hypot(x - size / 2, y - size / 2) < size * 0.34 ? [...c, 255] : CLEAR));
}

const out = new URL('./icons/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('icon.png', out), appIcon(512));
for (const [state, color] of Object.entries({ running: '#16a34a', busy: '#d97706', stopped: '#6b7280', error: '#dc2626' })) {
  writeFileSync(new URL(`tray-${state}.png`, out), dot(32, color));
}
console.log('wrote build/icons');
