'use strict';
// FaceRecognitionNet of npm `@vladmandic/face-api` (dlib's face-descriptor ResNet:
// 7x7/2 stem + 3x3/2 max pool, 14 basic residual blocks at half ResNet-34 width, plain
// ReLU, global average pool, 256x128 linear layer -> 128-d descriptor). The package ships
// only its weights (a manifest + .bin, no topology), so the forward pass is written here
// with plain tfjs ops, following the layer sequence of the package's
// src/faceRecognitionNet (conv + bias, then a per-channel affine "scale" layer, the
// folded batch norm); the extractor checks it against the package's own
// computeFaceDescriptor on every face. Every ReLU is a site: `<block>_conv1_relu` (inside
// a block) and `<block>_out_relu` (after the residual add); the stem is `conv32_down_relu`.
const { activate, probeSiteShapes } = require('./gradients');

const MEAN_RGB = [122.782, 117.001, 104.298];
const BLOCKS = [
  ['conv32_1', false], ['conv32_2', false], ['conv32_3', false],
  ['conv64_down', true], ['conv64_1', false], ['conv64_2', false], ['conv64_3', false],
  ['conv128_down', true], ['conv128_1', false], ['conv128_2', false],
  ['conv256_down', true], ['conv256_1', false], ['conv256_2', false], ['conv256_down_out', true],
];
const INPUT_SIZE = 150;

class FaceNet {
  // weights: NamedTensorMap from tf.io.decodeWeights of face_recognition_model.bin.
  constructor(tf, weights) {
    this.tf = tf;
    this.w = weights;
    this.inputShape = [INPUT_SIZE, INPUT_SIZE, 3];
    const names = ['conv32_down_relu'];
    for (const [b] of BLOCKS) { names.push(`${b}_conv1_relu`, `${b}_out_relu`); }
    this.sites = names.map((name, index) => ({ name, index, activation: 'relu', max: null }));
    for (const k of ['conv32_down/conv/filters', 'fc']) {
      if (!this.w[k]) { throw new Error(`face_recognition_net: weight ${k} missing`); }
    }
    probeSiteShapes(tf, this);
  }

  param(name) {
    const t = this.w[name];
    if (!t) { throw new Error(`face_recognition_net: weight ${name} missing`); }
    return t;
  }

  // x: [B, 150, 150, 3] RGB in 0..255 (a face crop). Returns { output: [B, 128]
  // descriptors, activations }.
  forward(x, opts) {
    const tf = this.tf;
    const run = () => {
      const activations = [];
      let k = 0;
      const site = (pre) => {
        const i = k++;
        const input = opts.zeros ? tf.add(pre, opts.zeros[i]) : pre;
        const out = activate(tf, input, null);
        if (opts.capture) { activations[i] = out; }
        return out;
      };
      const convLayer = (input, prefix, strides, padding) => {
        let out = tf.conv2d(input, this.param(`${prefix}/conv/filters`), strides, padding);
        out = tf.add(out, this.param(`${prefix}/conv/bias`));
        return tf.add(tf.mul(out, this.param(`${prefix}/scale/weights`)), this.param(`${prefix}/scale/biases`));
      };
      const normalized = tf.div(tf.sub(x, tf.tensor1d(MEAN_RGB)), 255);
      let out = site(convLayer(normalized, 'conv32_down', 2, 'valid'));
      out = tf.maxPool(out, 3, 2, 'valid');
      for (const [b, down] of BLOCKS) {
        const inp = out;
        let y = site(convLayer(inp, `${b}/conv1`, down ? 2 : 1, down ? 'valid' : 'same'));
        y = convLayer(y, `${b}/conv2`, 1, 'same');
        let skip = inp;
        if (down) {
          // The package's residualDown: the shortcut is a 2x2 average pool, zero-padded
          // in channels; the main path is zero-padded by one row and column (bottom,
          // right) when its valid convolution came out one smaller than the pool.
          skip = tf.avgPool(inp, 2, 2, 'valid');
          if (skip.shape[1] !== y.shape[1] || skip.shape[2] !== y.shape[2]) {
            y = tf.concat([y, tf.zeros([y.shape[0], 1, y.shape[2], y.shape[3]])], 1);
            y = tf.concat([y, tf.zeros([y.shape[0], y.shape[1], 1, y.shape[3]])], 2);
          }
          if (skip.shape[3] !== y.shape[3]) {
            skip = tf.concat([skip, tf.zeros(skip.shape)], 3);
          }
        }
        out = site(tf.add(skip, y));
      }
      const pooled = tf.mean(out, [1, 2]);
      return { output: tf.matMul(pooled, this.param('fc')), activations };
    };
    return opts.noTidy ? run() : tf.tidy(run);
  }
}

module.exports = { FaceNet, INPUT_SIZE, MEAN_RGB };
