'use strict';
// Runs a tfjs graph model (the TF-Hub MobileNetV2 of nsfwjs's mobilenet_v2_mid, as
// converted by tensorflowjs) node by node with plain tfjs ops, so that every activation
// is a visible site, as lib/interpreter.js does for Keras models. The converter fused each
// convolution with its folded batch norm (BiasAdd) and its ReLU6 into one _FusedConv2D /
// FusedDepthwiseConv2dNative node; here the convolution and the bias are run as ops and
// the ReLU6 is split off as the site (named after the node, `..._relu6`), so its input can
// be captured and differentiated. Only the ops this graph has are implemented; anything
// else throws.
const { activate, probeSiteShapes } = require('./gradients');

const b64 = (s) => Buffer.from(s, 'base64').toString('latin1');

function shortName(nodeName) {
  const tail = nodeName.replace(/^.*\/predict\//, '').replace(/^MobilenetV2\//, '');
  const parts = tail.split('/').filter((p, i, a) => !(i === a.length - 1 && (p === 'Relu6' || p === a[i - 1])));
  return `${parts.join('_')}_relu6`;
}

class GraphInterpreter {
  // nodes: modelTopology.node; weights: NamedTensorMap from tf.io.decodeWeights.
  constructor(tf, nodes, weights) {
    this.tf = tf;
    this.weights = weights;
    this.nodes = nodes.filter((n) => n.op !== 'Const');
    this.byName = new Map(nodes.map((n) => [n.name, n]));
    this.sites = [];
    this.siteOf = new Map();
    const input = this.nodes.find((n) => n.op === 'Placeholder');
    const dims = input.attr.shape.shape.dim.map((d) => Number(d.size));
    this.inputShape = dims.slice(1);
    // Shapes come from one forward pass on zeros.
    for (const n of this.nodes) {
      if (!n.op.includes('Fused') || n.op === '_FusedMatMul') { continue; }
      const fused = n.attr.fused_ops.list.s.map(b64);
      if (fused[0] !== 'BiasAdd' || fused.length > 2 || (fused[1] && fused[1] !== 'Relu6')) {
        throw new Error(`${n.name}: fused ops ${fused.join('+')} not supported`);
      }
      if (fused[1] === 'Relu6') {
        const site = { name: shortName(n.name), node: n.name, index: this.sites.length, activation: 'relu6', max: 6 };
        this.sites.push(site);
        this.siteOf.set(n.name, site);
      }
    }
    probeSiteShapes(tf, this);
  }

  forward(x, opts) {
    const tf = this.tf;
    const run = () => {
      const values = new Map();
      const activations = [];
      let logits = null;
      let output = null;
      const get = (name) => {
        const key = name.replace(/:0$/, '');
        if (values.has(key)) { return values.get(key); }
        if (this.weights[key]) { return this.weights[key]; }
        throw new Error(`graph: no value for ${name}`);
      };
      for (const n of this.nodes) {
        const ins = (n.input || []).map(get);
        const strides = n.attr && n.attr.strides ? n.attr.strides.list.i.map(Number).slice(1, 3) : null;
        const padding = n.attr && n.attr.padding ? b64(n.attr.padding.s).toLowerCase() : null;
        if (n.attr && n.attr.dilations && n.attr.dilations.list.i.some((d) => Number(d) !== 1)) {
          throw new Error(`${n.name}: dilation not supported`);
        }
        let out;
        switch (n.op) {
          case 'Placeholder': out = x; break;
          case 'Mul': out = tf.mul(ins[0], ins[1]); break;
          case 'Sub': out = tf.sub(ins[0], ins[1]); break;
          case 'AddV2': out = tf.add(ins[0], ins[1]); break;
          case '_FusedConv2D':
          case 'FusedDepthwiseConv2dNative': {
            let lin = n.op === '_FusedConv2D'
              ? tf.conv2d(ins[0], ins[1], strides, padding, 'NHWC')
              : tf.depthwiseConv2d(ins[0], ins[1], strides, padding, 'NHWC');
            lin = tf.add(lin, ins[2]);
            const s = this.siteOf.get(n.name);
            if (s) {
              const pre = opts.zeros ? tf.add(lin, opts.zeros[s.index]) : lin;
              out = activate(tf, pre, 6);
              if (opts.capture) { activations[s.index] = out; }
            } else {
              out = lin;
            }
            break;
          }
          case 'AvgPool': {
            const k = n.attr.ksize.list.i.map(Number).slice(1, 3);
            out = tf.avgPool(ins[0], k, strides, padding);
            break;
          }
          case 'Squeeze': out = tf.squeeze(ins[0], n.attr.squeeze_dims.list.i.map(Number)); break;
          case '_FusedMatMul': {
            if (n.attr.transpose_a.b || n.attr.transpose_b.b) { throw new Error(`${n.name}: transposed matmul`); }
            logits = tf.add(tf.matMul(ins[0], ins[1]), ins[2]);
            out = logits;
            break;
          }
          case 'Softmax': out = tf.softmax(ins[0]); break;
          case 'Identity': out = ins[0]; output = out; break;
          default: throw new Error(`${n.name}: op ${n.op} not supported`);
        }
        values.set(n.name, out);
      }
      if (!logits || !output) { throw new Error('graph: no logits (_FusedMatMul) or no output (Identity)'); }
      return { output: logits, logits, probabilities: output, activations };
    };
    return opts.noTidy ? run() : tf.tidy(run);
  }
}

module.exports = { GraphInterpreter, shortName };
