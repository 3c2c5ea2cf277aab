'use strict';
// Writes an nsfwjs model (shipped as JS bundles under dist/models/) in the plain tfjs
// layers format (model.json + weights.bin), and decodes photos with the extractor's own
// decoders (jpeg-js / pngjs: the pixels tools/extract fed the network) into raw RGB .npy-free
// files, for ebpc.torch.models (python/ebpc/torch_models.py). No network access.
// Usage: node tools/extract/export_nsfwjs.js NETWORK OUTDIR [PHOTO...] (after npm ci --prefix tools/extract)
const fs = require('fs');
const path = require('path');

const [network, out, ...photos] = process.argv.slice(2);
if (!network || !out) {
  console.error('usage: export_nsfwjs.js NETWORK OUTDIR [PHOTO...]');
  process.exit(2);
}
const root = path.resolve(path.dirname(require.resolve('nsfwjs')), '..', '..');
const dir = path.join(root, 'dist', 'models', network);
const modelJson = require(path.join(dir, 'model.min.js'));
const chunks = [];
const weights = [];
for (const group of modelJson.weightsManifest) {
  for (const p of group.paths) {
    chunks.push(Buffer.from(require(path.join(dir, `${p}.min.js`)), 'base64'));
  }
  weights.push(...group.weights);
}
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'weights.bin'), Buffer.concat(chunks));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
fs.writeFileSync(path.join(out, 'model.json'), JSON.stringify({
  modelTopology: modelJson.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights }],
  source: `nsfwjs@${pkg.version} dist/models/${network}/`,
}));
for (const p of photos) {
  const bytes = fs.readFileSync(p);
  let w, h, data;
  if (bytes[0] === 0x89 && bytes[1] === 0x50) {
    const png = require('pngjs').PNG.sync.read(bytes);
    ({ width: w, height: h, data } = png);
  } else {
    const img = require('jpeg-js').decode(bytes, { useTArray: true, formatAsRGBA: true });
    ({ width: w, height: h, data } = img);
  }
  const rgb = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; ++i) {
    rgb[3 * i] = data[4 * i]; rgb[3 * i + 1] = data[4 * i + 1]; rgb[3 * i + 2] = data[4 * i + 2];
  }
  const base = path.basename(p).replace(/\.[^.]*$/, '');
  fs.writeFileSync(path.join(out, `${base}.rgb`), rgb);
  fs.writeFileSync(path.join(out, `${base}.json`), JSON.stringify({ width: w, height: h, file: p }));
}
