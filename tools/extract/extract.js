#!/usr/bin/env node
// ebpc feature-map extractor: runs a real trained CNN (the MobileNetV2 that npm `nsfwjs`
// ships with its weights) on real photos with the pure-JS @tensorflow/tfjs CPU backend and
// writes an `ebpc-dataset-1` directory: every post-activation feature map (and, with
// --gradients, the gradient of the loss at every activation's input) as .npy in C,H,W order,
// plus manifest.json. The format is described in docs/datasets.md.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

const { decodeImage } = require('./lib/image');
const { writeNpy } = require('./lib/npy');
const { toStored } = require('./lib/half');

const USAGE = `usage: node tools/extract/extract.js --network mobilenet_v2 --images a.jpg,b.png --out DIR
       [--dtype float16|float32] [--zstd] [--gradients] [--gradient-batch c.jpg,d.jpg,...]
       [--gradients-for NAME,...] [--label N | --label N1,N2,...] [--dropout-seed S]
       [--check-gradients] [--quiet]

  --images          photos whose maps are written (JPEG or PNG), names = file base names
  --out DIR         dataset directory (created; existing manifest.json is overwritten)
  --dtype           stored number format (default float16)
  --zstd            store each map as .npy.zst (zstd -19, Debian's zstd CLI)
  --gradients       also write gradient maps: d(cross-entropy)/d(activation input), batch
                    norm in training mode, for the batch = --images + --gradient-batch
                    (at least 8 photos); maps are written for --images only
  --gradient-batch  extra photos that only fill the gradient batch
  --gradients-for   write the gradient maps of these --images only (names; default: all)
  --label           class label(s) for the loss (default: each photo's own top-1 class)
  --dropout-seed    seed of the fixed Dropout masks in the gradient pass (default 1)
  --check-gradients compare the gradients with central finite differences (slow: two
                    training-mode forward passes per checked value)
`;

function parseArgs(argv) {
  const a = { dtype: 'float16', zstd: false, gradients: false, gradientBatch: [], gradientsFor: null, label: null,
    dropoutSeed: 1, checkGradients: false, quiet: false, images: [] };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) { die(`${k} needs a value`); }
      return argv[++i];
    };
    switch (k) {
      case '--network': a.network = val(); break;
      case '--images': a.images = val().split(',').filter((s) => s); break;
      case '--out': a.out = val(); break;
      case '--dtype': a.dtype = val(); break;
      case '--zstd': a.zstd = true; break;
      case '--gradients': a.gradients = true; break;
      case '--gradient-batch': a.gradientBatch = val().split(',').filter((s) => s); break;
      case '--gradients-for': a.gradientsFor = val().split(',').filter((s) => s); break;
      case '--label': a.label = val().split(',').map((s) => parseInt(s, 10)); break;
      case '--dropout-seed': a.dropoutSeed = parseInt(val(), 10); break;
      case '--check-gradients': a.checkGradients = true; break;
      case '--quiet': a.quiet = true; break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: die(`unknown argument ${k}\n${USAGE}`);
    }
  }
  if (!a.network || a.images.length === 0 || !a.out) { die(USAGE); }
  if (a.dtype !== 'float16' && a.dtype !== 'float32') { die('--dtype must be float16 or float32'); }
  if (a.label && a.label.some((n) => !Number.isInteger(n))) { die('--label: integers expected'); }
  return a;
}

function die(msg) {
  process.stderr.write(`extract: ${msg}\n`);
  process.exit(2);
}

// The pure-JS tfjs prints a hint to install tfjs-node on first use; hide it.
for (const level of ['log', 'warn']) {
  const orig = console[level];
  console[level] = (...args) => {
    if (typeof args[0] === 'string' && args[0].includes('tfjs-node')) { return; }
    orig(...args);
  };
}
const tf = require('@tensorflow/tfjs');
const { loadNetwork } = require('./lib/networks');
const { Interpreter } = require('./lib/interpreter');

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function imageName(file) {
  return path.basename(file).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_.-]/g, '_');
}

// Provenance of the photos we know about (tools/extract/images.json, matched by content
// hash); anything else is recorded with its path and an "unknown" licence.
const KNOWN_IMAGES = JSON.parse(fs.readFileSync(path.join(__dirname, 'images.json'), 'utf8')).images;
function imageInfo(file) {
  const hash = sha256(file);
  const k = KNOWN_IMAGES.find((e) => e.sha256 === hash);
  if (k) { return { source: k.source, license: k.license, sha256: hash }; }
  return { source: path.resolve(file), license: 'unknown (not in tools/extract/images.json)', sha256: hash };
}

function log(args, msg) {
  if (!args.quiet) { process.stderr.write(`${msg}\n`); }
}

// Writes one map (a [C,H,W] or [N] Float32Array, already in C,H,W order) and returns its
// manifest entry.
function writeMap(args, kind, image, layer, data, shape) {
  const dir = kind === 'activation' ? 'activations' : 'gradients';
  const rel = path.join(dir, image, `${String(layer.index).padStart(2, '0')}_${layer.name}.npy`);
  const abs = path.join(args.out, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const stored = toStored(data, args.dtype);
  writeNpy(abs, stored.array, shape, args.dtype);
  let relOut = rel;
  if (args.zstd) {
    execFileSync('zstd', ['-q', '-f', '-19', '--rm', abs]);
    relOut = `${rel}.zst`;
  } else if (fs.existsSync(`${abs}.zst`)) {
    fs.unlinkSync(`${abs}.zst`);
  }
  return { kind, image, layer: layer.name, path: relOut.split(path.sep).join('/'), shape,
    dtype: args.dtype, zero_fraction: round6(stored.zeros / data.length),
    ...(stored.flushed ? { flushed_to_zero: stored.flushed } : {}) };
}

function round6(x) { return Math.round(x * 1e6) / 1e6; }

// [B, H, W, C] or [B, N] tensor -> one Float32Array, each batch element in C,H,W (or N)
// order, one after the other.
function toCHW(t) {
  if (t.rank !== 4) { return t.dataSync(); }
  const chw = tf.transpose(t, [0, 3, 1, 2]);
  const data = chw.dataSync();
  chw.dispose();
  return data;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  await tf.setBackend('cpu');
  await tf.ready();

  const net = await loadNetwork(args.network);
  const interp = new Interpreter(tf, net);
  fs.mkdirSync(args.out, { recursive: true });

  const names = args.images.map(imageName);
  if (new Set(names).size !== names.length) { die('two images have the same base name'); }
  const t0 = Date.now();
  const images = args.images.map((f) => decodeImage(f));
  const inputs = images.map((img) => net.preprocess(tf, img));

  const manifest = {
    format: 'ebpc-dataset-1',
    network: args.network,
    model: { ...net.model, files: net.files.map((f) => ({ path: f.rel, sha256: sha256(f.abs) })) },
    layout: 'CHW',
    preprocessing: net.preprocessingText,
    dtype: args.dtype,
    zero_canonicalisation: 'every stored zero is +0.0: -0.0 (from ReLU gradients, or from '
      + 'negative values that round to zero in float16) is written as +0.0',
    images: args.images.map((f, i) => ({ name: names[i], ...imageInfo(f) })),
    layers: interp.sites.map((s) => ({ name: s.name, index: s.index, activation: s.activation,
      shape: s.shape })),
    files: [],
  };

  // Activations: inference mode (batch-norm moving statistics, no dropout), one photo at a
  // time, so they do not depend on which other photos are in the run.
  const top1 = [];
  for (let i = 0; i < inputs.length; i++) {
    const t1 = Date.now();
    const res = interp.forward(inputs[i], { training: false, capture: true });
    const probs = tf.softmax(res.logits).dataSync();
    top1.push(argmax(probs));
    if (i === 0) { checkAgainstPredict(net, inputs[i], probs); }
    for (const s of interp.sites) {
      const data = toCHW(res.activations[s.index]);
      manifest.files.push(writeMap(args, 'activation', names[i], s, data, s.shape));
    }
    tf.dispose([res.logits, ...res.activations]);
    log(args, `activations ${names[i]}: top-1 ${net.classes[top1[i]]} (p=${probs[top1[i]].toFixed(4)}), `
      + `${interp.sites.length} layers, ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  }

  if (args.gradients) {
    const batchFiles = [...args.images, ...args.gradientBatch];
    const batchInfo = batchFiles.map(imageInfo);
    const batchNames = batchFiles.map(imageName);
    if (new Set(batchNames).size !== batchNames.length) { die('duplicate names in the gradient batch'); }
    if (batchFiles.length < 8) { log(args, `warning: gradient batch has ${batchFiles.length} < 8 photos`); }
    const batchInputs = [...inputs, ...args.gradientBatch.map((f) => net.preprocess(tf, decodeImage(f)))];
    for (let i = inputs.length; i < batchInputs.length; i++) {
      const res = interp.forward(batchInputs[i], { training: false, capture: false });
      top1.push(argmax(tf.softmax(res.logits).dataSync()));
      tf.dispose(res.logits);
    }
    let labels = top1.slice();
    if (args.label) {
      labels = args.label.length === 1 ? batchFiles.map(() => args.label[0]) : args.label;
      if (labels.length !== batchFiles.length) { die('--label: one label, or one per batch photo'); }
      if (labels.some((l) => l < 0 || l >= net.classes.length)) { die(`--label: 0..${net.classes.length - 1}`); }
    }
    const gradNames = args.gradientsFor || names;
    for (const n of gradNames) { if (!names.includes(n)) { die(`--gradients-for: ${n} is not one of --images`); } }
    const batch = tf.concat(batchInputs, 0);
    const t1 = Date.now();
    const g = interp.gradients(batch, labels, { dropoutSeed: args.dropoutSeed });
    const gradSeconds = (Date.now() - t1) / 1000;
    log(args, `gradients: batch of ${batchFiles.length}, loss ${g.loss.toFixed(6)}, ${gradSeconds.toFixed(1)} s`);
    const perImage = interp.sites.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    for (const s of interp.sites) {
      const all = toCHW(g.grads[s.index]);
      const n = all.length / batchFiles.length;
      for (let i = 0; i < names.length; i++) {
        if (!gradNames.includes(names[i])) { continue; }
        manifest.files.push(writeMap(args, 'gradient', names[i], s, all.subarray(i * n, (i + 1) * n), s.shape));
      }
    }
    manifest.gradients = {
      batch_images: batchNames,
      batch_sources: batchInfo.map((i) => i.source),
      batch_licenses: batchInfo.map((i) => i.license),
      labels,
      label_names: labels.map((l) => net.classes[l]),
      label_source: args.label ? 'given with --label' : "the network's own top-1 class (inference mode)",
      batchnorm: 'training',
      loss: `cross-entropy of softmax(logits) against the labels, mean over the batch (PyTorch's `
        + `default reduction); loss value ${g.loss}`,
      dropout: `training mode with fixed masks from a seeded generator (mulberry32, seed ${args.dropoutSeed})`,
      written_for: gradNames,
      seconds: Math.round(gradSeconds * 10) / 10,
      note: 'gradient of the loss with respect to the input of each activation (ReLU6 / ReLU), '
        + 'all sites from one backward pass through zero tensors added at each activation input; '
        + 'batch norm uses the batch statistics (moving statistics are not read or changed); '
        + 'the activation derivative is 1 where 0 < x < max_value and 0 elsewhere (PyTorch '
        + 'relu / hardtanh backward), zeros are stored as +0.0',
      values_per_image: perImage,
    };
    if (args.checkGradients) {
      manifest.gradients.finite_difference_check = interp.checkGradients(batch, labels, g,
        { dropoutSeed: args.dropoutSeed, log: (m) => log(args, m) });
    }
    tf.dispose([batch, ...g.grads]);
  }

  manifest.seconds = Math.round((Date.now() - t0) / 100) / 10;
  fs.writeFileSync(path.join(args.out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  log(args, `wrote ${manifest.files.length} maps and ${path.join(args.out, 'manifest.json')} in ${manifest.seconds} s`);
}

function argmax(a) {
  let best = 0;
  for (let i = 1; i < a.length; i++) { if (a[i] > a[best]) { best = i; } }
  return best;
}

// The interpreter re-implements the forward pass layer by layer; make sure it agrees with
// tfjs's own LayersModel.predict on the first photo.
function checkAgainstPredict(net, input, probs) {
  const ref = tf.tidy(() => net.layersModel.predict(input).dataSync());
  let maxDiff = 0;
  for (let i = 0; i < ref.length; i++) { maxDiff = Math.max(maxDiff, Math.abs(ref[i] - probs[i])); }
  if (!(maxDiff < 1e-4)) {
    throw new Error(`interpreter disagrees with LayersModel.predict: max |dp| = ${maxDiff}`);
  }
}

if (require.main === module) {
  main().catch((e) => { process.stderr.write(`extract: ${e.stack || e}\n`); process.exit(1); });
}

