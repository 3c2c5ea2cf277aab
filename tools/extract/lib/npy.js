'use strict';
// Minimal .npy (format version 1.0) writer and reader for little-endian float16 ('<f2',
// stored as Uint16Array words) and float32 ('<f4') C-order arrays.
const fs = require('fs');

const DESCR = { float16: '<f2', float32: '<f4' };

function writeNpy(file, array, shape, dtype) {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic (6) + version (2) + header length (2) + header + '\n', padded to a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = `${header.padEnd(total - 10 - 1, ' ')}\n`;
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const body = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

// Returns { dtype, shape, data } with data a Uint16Array (float16 words) or Float32Array.
function parseNpy(buf) {
  if (buf.subarray(0, 6).toString('latin1') !== '\x93NUMPY') { throw new Error('not an .npy file'); }
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']*)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape || /'fortran_order':\s*True/.test(header)) { throw new Error(`unsupported .npy header ${header}`); }
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const body = buf.subarray(start + hlen);
  const copy = new Uint8Array(body.length);
  copy.set(body);
  let dtype;
  let data;
  if (descr[1] === '<f2') { dtype = 'float16'; data = new Uint16Array(copy.buffer, 0, count); }
  else if (descr[1] === '<f4') { dtype = 'float32'; data = new Float32Array(copy.buffer, 0, count); }
  else if (descr[1] === '|i1' || descr[1] === '<i1') { dtype = 'int8'; data = new Int8Array(copy.buffer, 0, count); }
  else { throw new Error(`unsupported dtype ${descr[1]}`); }
  if (body.length !== count * data.BYTES_PER_ELEMENT) { throw new Error('.npy body size does not match its shape'); }
  return { dtype, shape: dims, data };
}

function readNpy(file) {
  let buf = fs.readFileSync(file);
  if (file.endsWith('.zst')) {
    buf = require('child_process').execFileSync('zstd', ['-q', '-d', '-c', file], { maxBuffer: 1 << 30 });
  }
  return parseNpy(buf);
}

module.exports = { writeNpy, readNpy, parseNpy };
