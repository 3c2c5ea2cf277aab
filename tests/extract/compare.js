'use strict';
// Compares the maps of one image in two datasets word for word: every map of DIR_B (the
// shipped one, possibly a layer subset) must be in DIR_A (a fresh extraction) with the
// same layer (name, index, shape) and the same words.
//   node tests/extract/compare.js DIR_A DIR_B IMAGE [--gradients]
const fs = require('fs');
const path = require('path');
const { readNpy } = require('../../tools/extract/lib/npy');

const [a, b, image] = process.argv.slice(2);
const kinds = process.argv.includes('--gradients') ? ['activation', 'gradient'] : ['activation'];
const ma = JSON.parse(fs.readFileSync(path.join(a, 'manifest.json'), 'utf8'));
const mb = JSON.parse(fs.readFileSync(path.join(b, 'manifest.json'), 'utf8'));
let bad = 0;
const layersA = new Map(ma.layers.map((l) => [l.name, JSON.stringify(l)]));
for (const l of mb.layers) {
  if (layersA.get(l.name) !== JSON.stringify(l)) { console.log(`  layer ${l.name} differs or is missing`); bad++; }
}
if (!mb.subset_of && ma.layers.length !== mb.layers.length) { console.log('  layer counts differ'); bad++; }
const pick = (m) => new Map(m.files.filter((f) => kinds.includes(f.kind) && f.image === image).map((f) => [`${f.kind}/${f.layer}`, f]));
const fa = pick(ma);
const fb = pick(mb);
if (fb.size === 0 || fb.size !== kinds.length * mb.layers.length) { console.log(`  ${fb.size} maps of ${image} in ${b}`); bad++; }
let compared = 0;
for (const [key, g] of fb) {
  const f = fa.get(key);
  if (!f) { console.log(`  ${key} missing in ${a}`); bad++; continue; }
  compared++;
  const layer = key;
  const x = readNpy(path.join(a, f.path)).data;
  const y = readNpy(path.join(b, g.path)).data;
  let diff = 0;
  for (let i = 0; i < x.length; i++) { if (x[i] !== y[i]) { diff++; } }
  if (diff || x.length !== y.length) { console.log(`  ${layer}: ${diff} of ${x.length} words differ`); bad++; }
}
console.log(`  ${compared} maps of ${image} (${kinds.join(' + ')}) compared word for word`);
process.exit(bad ? 1 : 0);
