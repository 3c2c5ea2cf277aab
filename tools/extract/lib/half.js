'use strict';
// float32 -> IEEE 754 binary16 with round-to-nearest-even (overflow to infinity, gradual
// underflow to subnormals), and the canonical stored form: every zero is +0.0.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function f32ToF16Bits(value) {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) { return sign | 0x7c00 | (mant ? 0x200 : 0); }
  const e = exp - 127 + 15;
  if (e >= 0x1f) { return sign | 0x7c00; }
  if (e >= 1) {
    let h = (e << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) { h += 1; } // a carry into the exponent is right
    return sign | Math.min(h, 0x7c00);
  }
  if (e < -10) { return sign; }
  const m = mant | 0x800000;
  const shift = 14 - e; // 14..24
  let h = m >>> shift;
  const rem = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && (h & 1))) { h += 1; }
  return sign | h;
}

function f16BitsToF32(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) { return sign * m * 2 ** -24; }
  if (e === 0x1f) { return m ? NaN : sign * Infinity; }
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

// Converts a Float32Array to the stored words. Returns { array, zeros, flushed }: zeros
// counts stored zero words, flushed counts non-zero inputs that became zero (float16
// underflow).
function toStored(data, dtype) {
  let zeros = 0;
  let flushed = 0;
  if (dtype === 'float32') {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i] + 0; // -0 + 0 === +0
      out[i] = v;
      if (v === 0) { zeros++; }
    }
    return { array: out, zeros, flushed };
  }
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) {
    let h = f32ToF16Bits(data[i]);
    if ((h & 0x7fff) === 0) {
      h = 0;
      zeros++;
      if (data[i] !== 0) { flushed++; }
    }
    out[i] = h;
  }
  return { array: out, zeros, flushed };
}

module.exports = { f32ToF16Bits, f16BitsToF32, toStored };
