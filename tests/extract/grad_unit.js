'use strict';
// Gradient unit test (needs tools/extract/node_modules): the interpreter's
// AveragePooling2D 'same' against central finite differences on a 5x5 map, and its value
// against tfjs's own avgPool (tfjs 4.22's own avgPool gradient is wrong at the border).
for (const level of ['log', 'warn']) {
  const orig = console[level];
  console[level] = (...a) => { if (typeof a[0] === 'string' && a[0].includes('tfjs-node')) { return; } orig(...a); };
}
const tf = require('../../tools/extract/node_modules/@tensorflow/tfjs');
const { Interpreter } = require('../../tools/extract/lib/interpreter');

(async () => {
  await tf.setBackend('cpu');
  const interp = Object.create(Interpreter.prototype);
  interp.tf = tf;
  let failed = 0;
  for (const k of [2, 3]) {
    const x = tf.randomUniform([1, 5, 5, 2], -1, 1, 'float32', 1);
    const w = tf.randomUniform([1, 5, 5, 2], -1, 1, 'float32', 2);
    const pool = (t) => interp.avgPoolSame(t, { pool_size: [k, k], strides: [1, 1] });
    const f = (t) => tf.sum(tf.mul(pool(t), w));
    const valueDiff = tf.max(tf.abs(tf.sub(pool(x), tf.avgPool(x, k, 1, 'same')))).dataSync()[0];
    if (valueDiff !== 0) { failed++; console.log(`  k=${k}: value differs from tf.avgPool by ${valueDiff}`); }
    const g = tf.grad(f)(x).dataSync();
    const h = 1e-2;
    let worst = 0;
    for (let i = 0; i < 50; i++) {
      const e = new Float32Array(50);
      e[i] = h;
      const d = tf.tensor(e, [1, 5, 5, 2]);
      const fd = (f(tf.add(x, d)).dataSync()[0] - f(tf.sub(x, d)).dataSync()[0]) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - g[i]));
    }
    if (!(worst < 1e-4)) { failed++; }
    console.log(`  avgPool ${k}x${k} same: max |gradient - finite difference| ${worst.toExponential(2)} over 50 elements`);
  }
  process.exit(failed ? 1 : 0);
})();
