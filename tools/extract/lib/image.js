'use strict';
// Decodes a JPEG (jpeg-js) or PNG (pngjs) photo to 8-bit RGB, as a browser's
// tf.browser.fromPixels(img) would give it to nsfwjs (alpha dropped, grey replicated).
// EXIF orientation is not applied.
const fs = require('fs');
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

module.exports = { decodeImage };
