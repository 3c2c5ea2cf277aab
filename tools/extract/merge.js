#!/usr/bin/env node
// Joins ebpc-dataset-1 directories of the same network written by separate extract.js runs
// (for example two runs in parallel over different photos) into one: the files are copied
// byte for byte, the images, files and per-photo gradient records are concatenated, and
// the layers, model files and preprocessing must agree. An interrupted run (manifest
// `complete: false`) contributes the photos it finished. Subsets (subset.js) of the same
// layers of one network merge into a subset whose `subset_of` lists the photos and
// gradient photos of all their sources; every source's finite-difference check is kept
// (`gradients.finite_difference_checks`, the first also as `finite_difference_check`).
//   node tools/extract/merge.js DST SRC1 SRC2 [...]
'use strict';
const fs = require('fs');
const path = require('path');

function die(m) { process.stderr.write(`merge: ${m}\n`); process.exit(2); }

const [dst, ...srcs] = process.argv.slice(2);
if (!dst || srcs.length < 2) { die('usage: merge.js DST SRC1 SRC2 [...]'); }
const ms = srcs.map((d) => JSON.parse(fs.readFileSync(path.join(d, 'manifest.json'), 'utf8')));
const first = ms[0];
for (const [i, m] of ms.entries()) {
  for (const k of ['format', 'network', 'layout', 'preprocessing', 'dtype']) {
    if (m[k] !== first[k]) { die(`${srcs[i]}: ${k} differs`); }
  }
  if (JSON.stringify(m.layers) !== JSON.stringify(first.layers)) { die(`${srcs[i]}: layers differ`); }
  if (JSON.stringify(m.model) !== JSON.stringify(first.model)) { die(`${srcs[i]}: model differs`); }
}
const out = { ...first, images: [], files: [] };
delete out.gradients;
const names = new Set();
for (const m of ms) {
  for (const img of m.images) {
    if (names.has(img.name)) { die(`image ${img.name} twice`); }
    names.add(img.name);
    out.images.push(img);
  }
}
ms.forEach((m, i) => {
  for (const f of m.files) {
    const to = path.join(dst, f.path);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(srcs[i], f.path), to);
    out.files.push(f);
  }
});
const withGrad = ms.filter((m) => m.gradients);
if (withGrad.length) {
  const g = { ...withGrad[0].gradients, per_image: [], written_for: [] };
  delete g.finite_difference_check;
  delete g.finite_difference_checks;
  for (const m of withGrad) {
    if (m.gradients.loss !== g.loss || m.gradients.mode !== g.mode) { die('gradient settings differ'); }
    g.per_image.push(...m.gradients.per_image);
    g.written_for.push(...m.gradients.written_for);
    for (const c of m.gradients.finite_difference_checks || [m.gradients.finite_difference_check]) {
      if (!c) { continue; }
      if (!g.finite_difference_check) { g.finite_difference_check = c; }
      g.finite_difference_checks = [...(g.finite_difference_checks || []), c];
    }
  }
  if (g.finite_difference_checks && g.finite_difference_checks.length < 2) { delete g.finite_difference_checks; }
  out.gradients = g;
}
const subs = ms.map((m) => m.subset_of);
if (subs.some((s) => s)) {
  const same = (s) => s && s.layers === subs[0].layers
    && JSON.stringify(s.layers_kept) === JSON.stringify(subs[0].layers_kept);
  if (!subs.every(same)) { die('the sources are not all subsets of the same layers'); }
  const union = (k) => [...new Set(subs.flatMap((s) => s[k] || []))];
  out.subset_of = { ...subs[0], images: union('images'), gradients_for: union('gradients_for') };
}
out.seconds = ms.reduce((a, m) => a + m.seconds, 0);
out.merged_from = ms.map((m) => ({ images: m.images.map((i) => i.name), seconds: m.seconds,
  complete: m.complete !== false }));
out.complete = true;
fs.writeFileSync(path.join(dst, 'manifest.json'), `${JSON.stringify(out, null, 1)}\n`);
console.log(`${dst}: ${out.images.length} images, ${out.files.length} files from ${srcs.length} runs`);
