#!/usr/bin/env node
// Makes a smaller ebpc-dataset-1 from an extracted one, for shipping in the repo: some of
// its photos and some of its layers, files copied byte for byte (so a shipped map is
// exactly what extract.js wrote) and the manifest filtered, with a `subset_of` record of
// what was left out.
//   node tools/extract/subset.js SRC DST [--images a,b] [--gradients-for a] [--layers SPEC]
// SPEC: comma-separated forward indices or ranges (0-3,7,10-12) of the source's layers.
'use strict';
const fs = require('fs');
const path = require('path');

function die(m) { process.stderr.write(`subset: ${m}\n`); process.exit(2); }

function parseSpec(spec, n) {
  const out = new Set();
  for (const part of spec.split(',').filter((s) => s)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) { die(`bad --layers part ${part}`); }
    const a = Number(m[1]);
    const b = m[2] == null ? a : Number(m[2]);
    for (let i = a; i <= b; i++) { if (i >= n) { die(`layer ${i} >= ${n}`); } out.add(i); }
  }
  return out;
}

const argv = process.argv.slice(2);
if (argv.length < 2) { die('usage: subset.js SRC DST [--images a,b] [--gradients-for a] [--layers SPEC]'); }
const [src, dst] = argv;
const opt = (k) => { const i = argv.indexOf(k); return i < 0 ? null : argv[i + 1]; };
const m = JSON.parse(fs.readFileSync(path.join(src, 'manifest.json'), 'utf8'));
const images = opt('--images') ? opt('--images').split(',') : m.images.map((i) => i.name);
for (const n of images) { if (!m.images.some((i) => i.name === n)) { die(`no image ${n}`); } }
const gradFor = opt('--gradients-for') ? opt('--gradients-for').split(',')
  : (m.gradients ? m.gradients.written_for.filter((n) => images.includes(n)) : []);
const layerIdx = opt('--layers') ? parseSpec(opt('--layers'), m.layers.length) : new Set(m.layers.map((l) => l.index));
const layerNames = new Set(m.layers.filter((l) => layerIdx.has(l.index)).map((l) => l.name));

const out = { ...m };
out.images = m.images.filter((i) => images.includes(i.name));
out.layers = m.layers.filter((l) => layerNames.has(l.name));
out.files = m.files.filter((f) => images.includes(f.image) && layerNames.has(f.layer)
  && (f.kind === 'activation' || gradFor.includes(f.image)));
if (m.gradients) {
  out.gradients = { ...m.gradients, written_for: gradFor };
  if (gradFor.length === 0) { delete out.gradients; }
}
// A subset of a subset still describes the original extraction (its layer count, photos
// and gradient photos); the kept indices are forward indices of that extraction anyway.
const orig = m.subset_of;
out.subset_of = {
  note: 'a subset of a larger extraction (tools/extract/subset.js): the files are byte copies; the '
    + 'gradients section and the images list still describe the whole extraction run where marked',
  layers: orig ? orig.layers : m.layers.length,
  layers_kept: out.layers.map((l) => l.index),
  images: orig ? orig.images : m.images.map((i) => i.name),
  ...(orig && orig.gradients_for ? { gradients_for: orig.gradients_for }
    : (m.gradients ? { gradients_for: m.gradients.written_for } : {})),
};
fs.mkdirSync(dst, { recursive: true });
for (const f of out.files) {
  const to = path.join(dst, f.path);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(src, f.path), to);
}
fs.writeFileSync(path.join(dst, 'manifest.json'), `${JSON.stringify(out, null, 1)}\n`);
console.log(`${dst}: ${out.images.length} images, ${out.layers.length} of ${m.layers.length} layers, ${out.files.length} files`);
