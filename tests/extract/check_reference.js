'use strict';
// Prints and checks the reference comparison that extract.js recorded for each photo of a
// dataset (our forward pass against the package's own inference: class probabilities for
// the nsfwjs classifiers, the 128-d descriptor for face_recognition_net).
//   node tests/extract/check_reference.js DIR [--max 1e-4]
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const i = process.argv.indexOf('--max');
const max = i < 0 ? 1e-4 : Number(process.argv[i + 1]);
const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
let bad = 0;
let n = 0;
for (const img of m.images) {
  const r = img.reference_check;
  if (!r) { continue; }
  n++;
  const ok = Number.isFinite(r.max_abs_diff) && r.max_abs_diff < max;
  console.log(`  ${img.name}: max |difference| ${r.max_abs_diff} against ${r.against}${ok ? '' : ' (FAIL)'}`);
  if (!ok) { bad++; }
}
if (n === 0) { console.log('  no reference check recorded'); bad++; }
process.exit(bad ? 1 : 0);
