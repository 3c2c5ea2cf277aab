'use strict';
// Checks an ebpc-dataset-1 directory against its manifest: every file exists and is an
// .npy (or .npy.zst) with the manifest's shape and dtype, zero_fraction equals the fraction
// of zero words recomputed from the file, no float16 -0.0 words, layers in forward order
// (strictly increasing indices; a subset made by tools/extract/subset.js may skip some)
// with the expected count, and every (image, layer) has its map. Gradients: the old
// training-mode batch (batch_images, labels) or the per-photo inference-mode record
// (per_image: a finite loss for each photo with gradients).
//   node tests/extract/check_dataset.js DIR [--layers N] [--images N] [--gradients]
const fs = require('fs');
const path = require('path');
const { readNpy } = require('../../tools/extract/lib/npy');

const args = process.argv.slice(2);
const dir = args[0];
const opt = (name) => { const i = args.indexOf(name); return i < 0 ? null : args[i + 1]; };
const wantLayers = opt('--layers') == null ? null : Number(opt('--layers'));
const wantImages = opt('--images') == null ? null : Number(opt('--images'));
const wantGradients = args.includes('--gradients');

const errors = [];
const err = (m) => { if (errors.length < 20) { errors.push(m); } else if (errors.length === 20) { errors.push('...'); } };
const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
if (m.format !== 'ebpc-dataset-1') { err(`format ${m.format}`); }
if (m.layout !== 'CHW') { err(`layout ${m.layout}`); }
for (const k of ['network', 'model', 'preprocessing', 'dtype', 'images', 'layers', 'files']) {
  if (m[k] == null) { err(`manifest has no ${k}`); }
}
if (wantLayers != null && m.layers.length !== wantLayers) { err(`${m.layers.length} layers, want ${wantLayers}`); }
if (wantImages != null && m.images.length !== wantImages) { err(`${m.images.length} images, want ${wantImages}`); }
m.layers.forEach((l, i) => {
  if (!Number.isInteger(l.index) || (i > 0 && l.index <= m.layers[i - 1].index)) { err(`layer ${l.name}: index ${l.index} not increasing`); }
  if (!m.subset_of && l.index !== i) { err(`layer ${l.name} has index ${l.index}, want ${i}`); }
});
const layerByName = new Map(m.layers.map((l) => [l.name, l]));
const kinds = wantGradients ? ['activation', 'gradient'] : ['activation'];
if (wantGradients) {
  const g = m.gradients;
  if (!g) { err('no gradients section'); }
  else if (g.mode === 'inference') {
    for (const n of g.written_for) {
      const r = (g.per_image || []).find((p) => p.image === n);
      if (!r || !Number.isFinite(r.loss)) { err(`no finite loss recorded for ${n}`); }
    }
    for (const c of g.finite_difference_checks || (g.finite_difference_check ? [g.finite_difference_check] : [])) {
      for (const r of c.results) {
        if (r.direction_rel_error != null && !(r.direction_rel_error < 0.05)) { err(`finite-difference check ${r.site}`); }
      }
    }
  } else {
    if (g.batch_images.length < 8) { err(`gradient batch of ${g.batch_images.length} < 8`); }
    if (g.labels.length !== g.batch_images.length) { err('one label per batch image expected'); }
    if (g.batchnorm !== 'training') { err(`batchnorm ${g.batchnorm}`); }
  }
}
const seen = new Set();
let values = 0;
const zeros = {};
const totals = {};
for (const f of m.files) {
  const l = layerByName.get(f.layer);
  const key = `${f.kind}/${f.image}/${f.layer}`;
  if (!l) { err(`${f.path}: unknown layer ${f.layer}`); continue; }
  if (seen.has(key)) { err(`${key} twice`); }
  seen.add(key);
  const dirName = f.kind === 'activation' ? 'activations' : 'gradients';
  const want = `${dirName}/${f.image}/${String(l.index).padStart(2, '0')}_${f.layer}.npy`;
  if (f.path !== want && f.path !== `${want}.zst`) { err(`${f.path}: want ${want}[.zst]`); }
  if (JSON.stringify(f.shape) !== JSON.stringify(l.shape)) { err(`${f.path}: shape ${f.shape} != layer ${l.shape}`); }
  if (f.dtype !== m.dtype) { err(`${f.path}: dtype ${f.dtype} != ${m.dtype}`); }
  let a;
  try { a = readNpy(path.join(dir, f.path)); } catch (e) { err(`${f.path}: ${e.message}`); continue; }
  if (JSON.stringify(a.shape) !== JSON.stringify(f.shape)) { err(`${f.path}: file shape ${a.shape} != ${f.shape}`); }
  if (a.dtype !== f.dtype) { err(`${f.path}: file dtype ${a.dtype} != ${f.dtype}`); }
  let z = 0;
  let negZero = 0;
  for (let i = 0; i < a.data.length; i++) {
    const v = a.data[i];
    if (a.dtype === 'float16') { if (v === 0) { z++; } else if (v === 0x8000) { negZero++; } }
    else if (v === 0) { z++; if (Object.is(v, -0)) { negZero++; } }
  }
  if (negZero) { err(`${f.path}: ${negZero} stored -0.0 words`); }
  const frac = z / a.data.length;
  if (Math.abs(frac - f.zero_fraction) > 1e-6) { err(`${f.path}: zero fraction ${frac} != manifest ${f.zero_fraction}`); }
  if (f.kind === 'activation' && l.activation.startsWith('relu') && a.dtype === 'float16') {
    for (let i = 0; i < a.data.length; i++) { if (a.data[i] & 0x8000) { err(`${f.path}: negative activation`); break; } }
  }
  values += a.data.length;
  zeros[f.kind] = (zeros[f.kind] || 0) + z;
  totals[f.kind] = (totals[f.kind] || 0) + a.data.length;
}
for (const img of m.images) {
  for (const kind of kinds) {
    if (kind === 'gradient' && m.gradients && !m.gradients.written_for.includes(img.name)) { continue; }
    for (const l of m.layers) {
      if (!seen.has(`${kind}/${img.name}/${l.name}`)) { err(`missing ${kind} map of ${img.name} / ${l.name}`); }
    }
  }
}
const summary = Object.keys(totals).map((k) => `${k}s ${(100 * zeros[k] / totals[k]).toFixed(2)}% zeros`).join(', ');
if (errors.length) {
  console.log(`  ${dir}: ${errors.length} problem(s):\n    ${errors.join('\n    ')}`);
  process.exit(1);
}
console.log(`  ${dir}: ${m.layers.length} layers, ${m.images.length} images, ${m.files.length} files, ${values} values; ${summary}`);
