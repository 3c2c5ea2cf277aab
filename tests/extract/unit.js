'use strict';
// Unit tests of the extractor's number conversion and .npy I/O, with hand-computed values,
// and of the --images entries (path#faceK) and the names they give.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { f32ToF16Bits, toStored } = require('../../tools/extract/lib/half');
const { writeNpy, readNpy } = require('../../tools/extract/lib/npy');
const { parseImageSpec, imageName } = require('../../tools/extract/lib/image');

let failed = 0;
function eq(name, got, want) {
  if (got !== want) { failed++; console.log(`  unit: ${name}: got ${got}, want ${want}`); }
}
const hex = (v) => `0x${f32ToF16Bits(v).toString(16)}`;
eq('1.0', hex(1.0), '0x3c00');
eq('-2.0', hex(-2.0), '0xc000');
eq('0.1 (rounds down)', hex(0.1), '0x2e66');
eq('65504 (max)', hex(65504), '0x7bff');
eq('65519 (rounds to max)', hex(65519), '0x7bff');
eq('65520 (rounds to inf)', hex(65520), '0x7c00');
eq('2^-24 (min subnormal)', hex(2 ** -24), '0x1');
eq('2^-25 (tie to even: 0)', hex(2 ** -25), '0x0');
eq('3*2^-25 (tie to even: 2)', hex(3 * 2 ** -25), '0x2');
eq('2^-14 (min normal)', hex(2 ** -14), '0x400');
eq('1+2^-11 (tie to even: 1)', hex(1 + 2 ** -11), '0x3c00');
eq('1+3*2^-11 (tie to even up)', hex(1 + 3 * 2 ** -11), '0x3c02');
eq('-0', hex(-0), '0x8000');
const s = toStored(new Float32Array([-0, 0, -1e-10, 1e-10, 1, -1]), 'float16');
eq('canonical zeros', Array.from(s.array).map((v) => v.toString(16)).join(','), '0,0,0,0,3c00,bc00');
eq('zero count', s.zeros, 4);
eq('flushed count', s.flushed, 2);
const s32 = toStored(new Float32Array([-0, 0, 1]), 'float32');
eq('float32 -0 -> +0', Object.is(s32.array[0], 0), true);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ebpc-npy-'));
const file = path.join(dir, 'a.npy');
writeNpy(file, new Uint16Array([1, 2, 3, 4, 5, 6]), [2, 1, 3], 'float16');
const buf = fs.readFileSync(file);
eq('npy header length is a multiple of 64', (10 + buf.readUInt16LE(8)) % 64, 0);
eq('npy header', buf.subarray(10, 10 + buf.readUInt16LE(8)).toString('latin1').trim(),
  "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 1, 3), }");
const r = readNpy(file);
eq('npy round trip', `${r.dtype} ${r.shape} ${Array.from(r.data)}`, 'float16 2,1,3 1,2,3,4,5,6');
writeNpy(file, new Float32Array([1.5]), [1], 'float32');
eq('npy 1-d shape', /'shape': \(1,\)/.test(fs.readFileSync(file, 'latin1')), true);
fs.rmSync(dir, { recursive: true });

const spec = (x) => JSON.stringify(parseImageSpec(x));
const name = (x) => imageName(parseImageSpec(x));
eq('plain path', spec('/a/b/basketball1.png'), '{"file":"/a/b/basketball1.png","face":null}');
eq('path#face2', spec('/a/b/basketball1.png#face2'), '{"file":"/a/b/basketball1.png","face":2}');
eq('name of a plain path', name('/a/b/basketball1.png'), 'basketball1');
eq('name of face 1 = plain name', name('/a/b/basketball1.png#face1'), 'basketball1');
eq('name of face 2', name('/a/b/basketball1.png#face2'), 'basketball1_face2');
eq('name of face 12', name('x/messi5.jpg#face12'), 'messi5_face12');
eq('odd characters', name('x/a b+c.jpg'), 'a_b_c');
eq('other # suffixes stay in the path', spec('x/a.png#faces2'), '{"file":"x/a.png#faces2","face":null}');
let threw = false;
try { parseImageSpec('x/a.png#face0'); } catch (e) { threw = /start at 1/.test(e.message); }
eq('#face0 is refused', threw, true);
process.exit(failed ? 1 : 0);
