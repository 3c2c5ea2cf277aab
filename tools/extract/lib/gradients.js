'use strict';
// Gradients at every activation input, for any engine (lib/interpreter.js,
// lib/graphnet.js, lib/facenet.js): a zero tensor is added at each site's input, and one
// backward pass (tf.valueAndGrads) differentiates the loss with respect to all of them,
// as a PyTorch backward hook on each activation's input would give them. Plus the central
// finite-difference check of those gradients.
//
// An engine has `sites` (each with `index`, `name`, `hwcShape`) and
// `forward(x, { capture, zeros, noTidy })` returning `{ output }`; the caller passes
// `loss(output)` returning a scalar tensor.

// Fills each site's hwcShape (H, W, C) and shape (C, H, W) from one forward pass of zeros.
function probeSiteShapes(tf, engine) {
  const probe = tf.zeros([1, ...engine.inputShape]);
  const r = engine.forward(probe, { capture: true });
  for (const s of engine.sites) {
    const shape = r.activations[s.index].shape.slice(1);
    s.hwcShape = shape;
    s.shape = [shape[2], shape[0], shape[1]];
  }
  tf.dispose([probe, r.output, r.logits, ...r.activations].filter(Boolean));
}

function zeroSites(tf, engine, batchSize) {
  return engine.sites.map((s) => tf.zeros([batchSize, ...s.hwcShape]));
}

// Returns { loss, grads } with grads[i] of shape [B, ...site i's tfjs shape].
function siteGradients(tf, engine, x, loss) {
  const zeros = zeroSites(tf, engine, x.shape[0]);
  const f = (...zs) => loss(engine.forward(x, { capture: false, zeros: zs, noTidy: true }).output);
  const { value, grads } = tf.valueAndGrads(f)(zeros);
  const lossValue = value.dataSync()[0];
  tf.dispose([value, ...zeros]);
  return { loss: lossValue, grads };
}

function lossAt(tf, engine, x, loss, zeros) {
  return tf.tidy(() => loss(engine.forward(x, { capture: false, zeros, noTidy: true }).output).dataSync()[0]);
}

// Central finite differences (step h) on a few sites (`pick`, default first, second,
// middle and the last three): the element with the largest |gradient|, and the derivative
// along the site's gradient direction (whose exact value is the gradient's norm). Throws
// when the directional check is off by more than 5%.
function checkGradients(tf, engine, x, loss, g, opts) {
  const n = engine.sites.length;
  const pick = opts.pick || [...new Set([0, 1, Math.floor(n / 2), n - 3, n - 2, n - 1])].filter((i) => i >= 0 && i < n);
  const h = opts.step || 1e-3;
  const results = [];
  for (const i of pick) {
    const s = engine.sites[i];
    const gi = g.grads[i].dataSync();
    let k = 0;
    let norm2 = 0;
    for (let j = 0; j < gi.length; j++) {
      norm2 += gi[j] * gi[j];
      if (Math.abs(gi[j]) > Math.abs(gi[k])) { k = j; }
    }
    const norm = Math.sqrt(norm2);
    if (!(norm > 0)) {
      results.push({ site: s.name, gradient_norm: 0, note: 'zero gradient at this site, not checked' });
      continue;
    }
    const at = (vec, sign) => {
      const zeros = zeroSites(tf, engine, x.shape[0]);
      const bumped = zeros.slice();
      bumped[i] = tf.tensor(vec.map((v) => v * sign * h), zeros[i].shape);
      const L = lossAt(tf, engine, x, loss, bumped);
      tf.dispose([...zeros, bumped[i]]);
      return L;
    };
    const e = new Float32Array(gi.length);
    e[k] = 1;
    const fdElem = (at(e, 1) - at(e, -1)) / (2 * h);
    const dir = gi.map((v) => v / norm);
    const fdDir = (at(dir, 1) - at(dir, -1)) / (2 * h);
    const r = { site: s.name, element: k, analytic: gi[k], finite_difference: fdElem,
      rel_error: Math.abs(fdElem - gi[k]) / Math.abs(gi[k]),
      direction_norm: norm, direction_finite_difference: fdDir,
      direction_rel_error: Math.abs(fdDir - norm) / norm, step: h };
    results.push(r);
    if (opts.log) {
      opts.log(`check ${s.name}: element ${k} analytic ${gi[k].toExponential(4)} fd ${fdElem.toExponential(4)}`
        + ` (rel ${r.rel_error.toExponential(2)}); along gradient ${norm.toExponential(4)} fd ${fdDir.toExponential(4)}`
        + ` (rel ${r.direction_rel_error.toExponential(2)})`);
    }
  }
  const bad = results.filter((r) => r.direction_rel_error != null && !(r.direction_rel_error < 0.05));
  if (bad.length) { throw new Error(`finite-difference check failed at ${bad.map((r) => r.site).join(', ')}`); }
  return results;
}

// The activation of every site: y = min(max(x, 0), max); derivative 1 where 0 < x < max,
// else 0 (PyTorch's relu and hardtanh backward). The masked gradient is built with where()
// against a zero tensor, so it holds +0.0, never -0.0.
function activate(tf, x, max) {
  const f = tf.customGrad((xin, save) => {
    save([xin]);
    let y = tf.relu(xin);
    if (max != null) { y = tf.clipByValue(y, 0, max); }
    return {
      value: y,
      gradFunc: (dy, [xs]) => {
        let pass = tf.greater(xs, 0);
        if (max != null) { pass = tf.logicalAnd(pass, tf.less(xs, max)); }
        return tf.where(pass, dy, tf.zerosLike(dy));
      },
    };
  });
  return f(x);
}

module.exports = { siteGradients, checkGradients, activate, zeroSites, probeSiteShapes };
