// SM3 hash (GB/T 32905-2016) for the browser: Web Crypto has no SM3, and RHC_C0001 needs
// pwdDigest = hex SM3(hex SM3(password) ‖ msgCreateTime) computed on the client so the password never
// travels. Written from the standard's description (§5: padding, expansion, compression).

const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];

const rotl = (x, n) => ((x << (n & 31)) | (x >>> ((32 - (n & 31)) & 31))) >>> 0;
const p0 = (x) => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
const p1 = (x) => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;

/** Padding of §5.2: 1 bit, zeros, then the 64-bit big-endian bit length. */
function pad(msg) {
  const bitLen = msg.length * 8;
  const total = Math.ceil((msg.length + 9) / 64) * 64;
  const out = new Uint8Array(total);
  out.set(msg);
  out[msg.length] = 0x80;
  const view = new DataView(out.buffer);
  view.setUint32(total - 8, Math.floor(bitLen / 0x100000000));
  view.setUint32(total - 4, bitLen >>> 0);
  return out;
}

function compress(v, block) {
  const w = new Array(68);
  const w1 = new Array(64);
  for (let j = 0; j < 16; j++) w[j] = block.getUint32(j * 4);
  for (let j = 16; j < 68; j++)
    w[j] = (p1(w[j - 16] ^ w[j - 9] ^ rotl(w[j - 3], 15)) ^ rotl(w[j - 13], 7) ^ w[j - 6]) >>> 0;
  for (let j = 0; j < 64; j++) w1[j] = (w[j] ^ w[j + 4]) >>> 0;
  let [a, b, c, d, e, f, g, h] = v;
  for (let j = 0; j < 64; j++) {
    const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
    const a12 = rotl(a, 12);
    const ss1 = rotl((a12 + e + rotl(t, j % 32)) >>> 0, 7);
    const ss2 = (ss1 ^ a12) >>> 0;
    const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
    const tt1 = ((ff >>> 0) + d + ss2 + w1[j]) >>> 0;
    const tt2 = ((gg >>> 0) + h + ss1 + w[j]) >>> 0;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = p0(tt2);
  }
  return [a, b, c, d, e, f, g, h].map((x, i) => (x ^ v[i]) >>> 0);
}

/** SM3 of bytes → 32 bytes. */
export function sm3(bytes) {
  const padded = pad(bytes);
  let v = IV.slice();
  for (let off = 0; off < padded.length; off += 64) v = compress(v, new DataView(padded.buffer, off, 64));
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  v.forEach((x, i) => view.setUint32(i * 4, x));
  return out;
}

/** Lower-case hex SM3 of a UTF-8 string (the form the platform stores and compares). */
export function sm3Hex(text) {
  return Array.from(sm3(new TextEncoder().encode(text)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** pwdDigest of RHC_C0001 (platform-interfaces.md §4.2). */
export function passwordDigest(password, msgCreateTime) {
  return sm3Hex(sm3Hex(password) + msgCreateTime);
}
