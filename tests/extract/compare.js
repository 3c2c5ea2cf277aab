'use strict';
// Compares the activation maps of one image in two datasets word for word (and the
// manifests' layer lists): node tests/extract/compare.js DIR_A DIR_B IMAGE
const fs = require('fs');
const path = require('path');
const { readNpy } = require('../../tools/extract/lib/npy');

const [a, b, image] = process.argv.slice(2);
const ma = JSON.parse(fs.readFileSync(path.join(a, 'manifest.json'), 'utf8'));
const mb = JSON.parse(fs.readFileSync(path.join(b, 'manifest.json'), 'utf8'));
let bad = 0;
if (JSON.stringify(ma.layers) !== JSON.stringify(mb.layers)) { console.log('  layer lists differ'); bad++; }
const pick = (m) => new Map(m.files.filter((f) => f.kind === 'activation' && f.image === image).map((f) => [f.layer, f]));
const fa = pick(ma);
const fb = pick(mb);
if (fa.size === 0 || fa.size !== fb.size) { console.log(`  ${fa.size} vs ${fb.size} activation maps of ${image}`); bad++; }
for (const [layer, f] of fa) {
  const g = fb.get(layer);
  if (!g) { continue; }
  const x = readNpy(path.join(a, f.path)).data;
  const y = readNpy(path.join(b, g.path)).data;
  let diff = 0;
  for (let i = 0; i < x.length; i++) { if (x[i] !== y[i]) { diff++; } }
  if (diff || x.length !== y.length) { console.log(`  ${layer}: ${diff} of ${x.length} words differ`); bad++; }
}
process.exit(bad ? 1 : 0);
