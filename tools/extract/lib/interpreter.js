'use strict';
const { activate } = require('./gradients');

// Runs a Keras functional model (as loaded by tf.loadLayersModel) layer by layer, so that
// every activation is a visible "site": its output can be captured, a tensor can be added
// to its input (to take the gradient there, like a PyTorch backward hook), and batch norm
// and dropout can run in training mode without touching the model's variables.
//
// Sites, in forward order: every ReLU layer (ReLU6 in MobileNetV2), every Activation('relu')
// layer, and the ReLU that Dense / Conv2D layers carry inside (split off and named
// `<layer>_relu`). The last layer must be a Dense with softmax; its input to the softmax are
// the logits.
// Gradients and their finite-difference check are lib/gradients.js (any engine).

class Interpreter {
  constructor(tf, net) {
    this.tf = tf;
    this.net = net;
    this.configs = net.layerConfigs;
    this.sites = [];
    this.siteOf = new Map(); // layer name -> site
    const last = this.configs[this.configs.length - 1];
    if (last.class_name !== 'Dense' || last.config.activation !== 'softmax') {
      throw new Error('the last layer must be Dense with softmax');
    }
    for (const cfg of this.configs) {
      const layer = net.layersModel.getLayer(cfg.name);
      let activation = null;
      let siteName = cfg.name;
      if (cfg.class_name === 'ReLU') {
        const c = cfg.config;
        if ((c.negative_slope || 0) !== 0 || (c.threshold || 0) !== 0) {
          throw new Error(`${cfg.name}: leaky / thresholded ReLU not supported`);
        }
        activation = c.max_value == null ? { kind: 'relu', max: null } : { kind: `relu${c.max_value}`, max: c.max_value };
      } else if (cfg.class_name === 'Activation') {
        if (cfg.config.activation !== 'relu') { throw new Error(`${cfg.name}: activation ${cfg.config.activation}`); }
        activation = { kind: 'relu', max: null };
      } else if (cfg.config.activation !== undefined && cfg !== last) {
        if (cfg.config.activation === 'relu') {
          if (cfg.class_name !== 'Dense' && cfg.class_name !== 'Conv2D') {
            throw new Error(`${cfg.name}: built-in relu in ${cfg.class_name} not supported`);
          }
          activation = { kind: 'relu', max: null };
          siteName = `${cfg.name}_relu`;
        } else if (cfg.config.activation !== 'linear') {
          throw new Error(`${cfg.name}: activation ${cfg.config.activation} not supported`);
        }
      }
      if (activation) {
        const shape = layer.outputShape.slice(1);
        const site = { name: siteName, layer: cfg.name, index: this.sites.length,
          activation: activation.kind, max: activation.max,
          hwcShape: shape, // tfjs layout without batch
          shape: shape.length === 3 ? [shape[2], shape[0], shape[1]] : shape };
        this.sites.push(site);
        this.siteOf.set(cfg.name, site);
      }
    }
  }

  activate(x, max) {
    return activate(this.tf, x, max);
  }

  // AveragePooling2D with 'same' padding. The value is tfjs's own avgPool (so the
  // activations are those of the model), but not its gradient: tfjs 4.22's CPU avgPool
  // backward divides by the whole window also where the window hangs over the padding,
  // while the forward pass divides by the elements inside (checked on a 5x5 map: the
  // border gradients came out 40-50% too small). Here, for stride 1: z = dy / count
  // (elements inside each window), and dx = the sum of z over every window that holds
  // the element, a box sum with the padding mirrored.
  avgPoolSame(x, c) {
    const tf = this.tf;
    const [kh, kw] = c.pool_size;
    const [sh, sw] = c.strides || c.pool_size;
    if (sh !== 1 || sw !== 1) { return tf.avgPool(x, [kh, kw], [sh, sw], 'same'); }
    // TF 'same' padding at stride 1: k - 1 in total, the smaller half before.
    const before = [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2)];
    const after = [kh - 1 - before[0], kw - 1 - before[1]];
    const boxSum = (t, pads) => tf.mul(tf.avgPool(tf.pad(t, [[0, 0], pads[0], pads[1], [0, 0]]), [kh, kw], 1, 'valid'), kh * kw);
    const fwdPads = [[before[0], after[0]], [before[1], after[1]]];
    const backPads = [[after[0], before[0]], [after[1], before[1]]];
    const f = tf.customGrad((xin, save) => {
      save([xin]);
      return {
        value: tf.avgPool(xin, [kh, kw], 1, 'same'),
        gradFunc: (dy, [xs]) => {
          const count = boxSum(tf.ones([1, xs.shape[1], xs.shape[2], 1]), fwdPads);
          return boxSum(tf.div(dy, count), backPads);
        },
      };
    });
    return f(x);
  }

  batchNorm(layer, x, training) {
    const tf = this.tf;
    const axes = x.shape.map((_, i) => i).slice(0, -1);
    const gamma = layer.scale ? layer.gamma.read() : null;
    const beta = layer.center ? layer.beta.read() : null;
    if (!training) {
      // A missing gamma (InceptionV3: scale=false) is passed as ones: tfjs 4.22's batchNorm
      // gradient saves its scale input and fails on null; the CPU kernel's arithmetic is
      // the same with ones as with no scale (it multiplies by 1 either way).
      const scale = gamma || tf.onesLike(layer.movingMean.read());
      return tf.batchNorm(x, layer.movingMean.read(), layer.movingVariance.read(), beta, scale, layer.epsilon);
    }
    // Training mode: normalise with the batch's own mean and (biased) variance, as Keras
    // and PyTorch do; written with elementary ops so the gradient flows through the
    // statistics. The moving statistics are neither read nor updated.
    const { mean, variance } = tf.moments(x, axes);
    let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, layer.epsilon)));
    if (gamma) { y = tf.mul(y, gamma); }
    if (beta) { y = tf.add(y, beta); }
    return y;
  }

  // Runs the network on x ([B, H, W, 3]). opts: training (batch-norm statistics and
  // dropout), capture (return every site's output), zeros (tensors added at every site's
  // input), dropoutSeed. Returns { logits, activations }.
  forward(x, opts) {
    const tf = this.tf;
    const run = () => {
      const values = new Map();
      const activations = [];
      const rng = mulberry32(opts.dropoutSeed == null ? 1 : opts.dropoutSeed);
      let logits = null;
      const site = (cfg, pre) => {
        const s = this.siteOf.get(cfg.name);
        const input = opts.zeros ? tf.add(pre, opts.zeros[s.index]) : pre;
        const out = this.activate(input, s.max);
        if (opts.capture) { activations[s.index] = out; }
        return out;
      };
      for (const cfg of this.configs) {
        const layer = this.net.layersModel.getLayer(cfg.name);
        const ins = (cfg.inbound_nodes[0] || []).map((n) => values.get(n[0]));
        const input = ins[0];
        let out;
        switch (cfg.class_name) {
          case 'InputLayer':
            out = x;
            break;
          case 'BatchNormalization':
            out = this.batchNorm(layer, input, opts.training);
            break;
          case 'Dropout': {
            if (!opts.training || layer.rate === 0) { out = input; break; }
            const n = input.size;
            const mask = new Float32Array(n);
            const keep = 1 / (1 - layer.rate);
            for (let i = 0; i < n; i++) { mask[i] = rng() >= layer.rate ? keep : 0; }
            out = tf.mul(input, tf.tensor(mask, input.shape));
            break;
          }
          case 'ReLU':
          case 'Activation':
            out = site(cfg, input);
            break;
          case 'Dense': {
            let lin = tf.matMul(input, layer.kernel.read());
            if (layer.useBias) { lin = tf.add(lin, layer.bias.read()); }
            if (cfg.config.activation === 'softmax') { logits = lin; out = tf.softmax(lin); }
            else if (cfg.config.activation === 'relu') { out = site(cfg, lin); }
            else { out = lin; }
            break;
          }
          // Convolutions are called as plain (unfused) ops: tfjs-layers uses fused ops whose
          // gradient always computes the filter gradient too, which in the pure-JS backend
          // costs over 90% of the backward pass and is never needed here.
          case 'Conv2D':
          case 'DepthwiseConv2D': {
            const c = cfg.config;
            if (c.data_format && c.data_format !== 'channels_last') { throw new Error(`${cfg.name}: ${c.data_format}`); }
            let lin = cfg.class_name === 'Conv2D'
              ? tf.conv2d(input, layer.kernel.read(), c.strides, c.padding, 'NHWC', c.dilation_rate)
              : tf.depthwiseConv2d(input, layer.depthwiseKernel.read(), c.strides, c.padding, 'NHWC', c.dilation_rate);
            if (layer.useBias) { lin = tf.add(lin, layer.bias.read()); }
            if (c.activation === 'relu') { out = site(cfg, lin); }
            else if (c.activation === 'linear') { out = lin; }
            else { throw new Error(`${cfg.name}: activation ${c.activation}`); }
            break;
          }
          case 'AveragePooling2D':
            out = cfg.config.padding === 'same' ? this.avgPoolSame(input, cfg.config) : layer.apply(input);
            break;
          default:
            if (this.siteOf.has(cfg.name)) { throw new Error(`${cfg.name}: ${cfg.class_name} with relu`); }
            out = layer.apply(ins.length === 1 ? input : ins);
        }
        values.set(cfg.name, out);
      }
      return { output: logits, logits, activations };
    };
    // Inference runs inside tidy (only the returned tensors survive); under tf.grads the
    // caller's tape owns the intermediates.
    return opts.noTidy ? run() : tf.tidy(run);
  }
}

// Small seeded PRNG (mulberry32) for the fixed dropout masks.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { Interpreter };
