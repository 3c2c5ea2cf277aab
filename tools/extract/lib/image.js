'use strict';
// Decodes a JPEG (jpeg-js) or PNG (pngjs) photo to 8-bit RGB, as a browser's
// tf.browser.fromPixels(img) would give it to nsfwjs (alpha dropped, grey replicated).
// EXIF orientation is not applied.
const fs = require('fs');
const path = require('path');
const jpeg = require('jpeg-js');
const { PNG } = require('pngjs');

function decodeImage(file) {
  const buf = fs.readFileSync(file);
  let width;
  let height;
  let src;
  let channels;
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    ({ width, height } = img);
    src = img.data;
    channels = 4;
  } else if (buf.subarray(1, 4).toString('latin1') === 'PNG') {
    const img = PNG.sync.read(buf);
    ({ width, height } = img);
    src = img.data;
    channels = 4;
  } else {
    throw new Error(`${file}: neither JPEG nor PNG`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    rgb[3 * i] = src[j];
    rgb[3 * i + 1] = src[j + 1];
    rgb[3 * i + 2] = src[j + 2];
  }
  return { width, height, rgb, file };
}

// One --images entry: "path", or "path#faceK" (k >= 1: the face net's k-th face by
// detector score). face is null without the suffix.
function parseImageSpec(spec) {
  const m = /^(.*)#face([0-9]+)$/.exec(spec);
  if (!m) { return { file: spec, face: null }; }
  const k = parseInt(m[2], 10);
  if (!(k >= 1)) { throw new Error(`--images ${spec}: face numbers start at 1`); }
  return { file: m[1], face: k };
}

// The map and photo name of an entry: the file's base name without extension (characters
// other than A-Z a-z 0-9 _ . - become _), with _faceK appended for the k-th face, k > 1
// (face 1 keeps the plain name, so path#face1 and path name the same maps).
function imageName(spec) {
  const base = path.basename(spec.file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '_');
  return spec.face > 1 ? `${base}_face${spec.face}` : base;
}

module.exports = { decodeImage, parseImageSpec, imageName };
