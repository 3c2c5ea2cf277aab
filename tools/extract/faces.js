#!/usr/bin/env node
// Lists the faces that face_recognition_net's detector (face-api's SsdMobilenetv1,
// minConfidence 0.3, as extract.js uses it) finds in each photo, best score first, and
// writes each face's 150x150 crop (the net's input, exactly as extract.js cuts it) as
// PNG, so that a person can look at them before a photo#faceK goes into a dataset.
//   node tools/extract/faces.js --out DIR a.jpg b.png ...
// Prints one line per face: photo, k (for --images photo#faceK), score, box, crop, file.
'use strict';

const fs = require('fs');
const path = require('path');
const { PNG } = require('pngjs');

for (const level of ['log', 'warn']) {
  const orig = console[level];
  console[level] = (...args) => {
    if (typeof args[0] === 'string' && args[0].includes('tfjs-node')) { return; }
    orig(...args);
  };
}
const tf = require('@tensorflow/tfjs');
const { decodeImage } = require('./lib/image');
const { loadNetwork } = require('./lib/networks');

async function main() {
  const argv = process.argv.slice(2);
  const o = argv.indexOf('--out');
  if (o < 0 || o + 1 >= argv.length) {
    process.stderr.write('usage: node tools/extract/faces.js --out DIR photo...\n');
    process.exit(2);
  }
  const out = argv[o + 1];
  const photos = argv.filter((_, i) => i !== o && i !== o + 1);
  await tf.setBackend('cpu');
  await tf.ready();
  const net = await loadNetwork('face_recognition_net');
  fs.mkdirSync(out, { recursive: true });
  for (const file of photos) {
    const img = decodeImage(file);
    const dets = await net.detectFaces(tf, img);
    const base = path.basename(file).replace(/\.[^.]*$/, '');
    if (dets.length === 0) { console.log(`${file}: no face (${img.width}x${img.height})`); }
    dets.forEach((d, i) => {
      const { input, crop } = net.cropFace(tf, img, d);
      const px = input.dataSync();
      input.dispose();
      const png = new PNG({ width: 150, height: 150 });
      for (let p = 0; p < 150 * 150; p++) {
        for (let c = 0; c < 3; c++) { png.data[4 * p + c] = px[3 * p + c]; }
        png.data[4 * p + 3] = 255;
      }
      const name = path.join(out, `${base}_face${i + 1}.png`);
      fs.writeFileSync(name, PNG.sync.write(png));
      const box = [d.box.x, d.box.y, d.box.width, d.box.height].map((v) => v.toFixed(1)).join(',');
      console.log(`${file}#face${i + 1}: score ${d.score.toFixed(4)} box ${box} crop ${crop.x},${crop.y} side ${crop.side} -> ${name}`);
    });
  }
}

main().catch((e) => { process.stderr.write(`faces: ${e.stack || e}\n`); process.exit(1); });
