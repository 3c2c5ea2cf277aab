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

const { decodeImage, parseImageSpec, imageName } = require('./lib/image');
const { writeNpy } = require('./lib/npy');
const { toStored } = require('./lib/half');
const { NETWORKS } = require('./lib/networks');

const USAGE = `usage: node tools/extract/extract.js --network NET --images a.jpg,b.png --out DIR
       [--dtype float16|float32] [--zstd] [--gradients] [--gradients-for NAME,...]
       [--label N | --label N1,N2,...] [--check-gradients [--check-for NAME] [--check-sites I,J] [--check-step H]] [--quiet]

  --network         ${NETWORKS.join(', ')}
  --images          photos whose maps are written (JPEG or PNG), names = file base names;
                    face_recognition_net: path#faceK takes the photo's k-th face by
                    detector score (default: face 1, the highest-scoring), named
                    <base>_faceK for k > 1
  --out DIR         dataset directory (created; existing manifest.json is overwritten)
  --dtype           stored number format (default float16)
  --zstd            store each map as .npy.zst (zstd -19, Debian's zstd CLI)
  --gradients       also write gradient maps: d(loss)/d(activation input) of each photo on
                    its own (inference mode: batch-norm moving statistics, no dropout); the
                    loss is the network's (classifiers: cross-entropy against the photo's own
                    top-1 class; face_recognition_net: squared distance to the descriptor of
                    the mirrored face)
  --gradients-for   write the gradient maps of these --images only (names; default: all)
  --label           class label(s) for a classifier's loss (default: each photo's own top-1)
  --check-gradients compare the gradients with central finite differences (four extra
                    forward passes per checked site) on one photo: --check-for NAME
                    (default: the first photo with gradients); --check-sites I,J,... (forward
                    indices; default: first, second, middle and the last three),
                    --check-step H (default 1e-3)
`;

function parseArgs(argv) {
  const a = { dtype: 'float16', zstd: false, gradients: false, gradientsFor: null, label: null,
    checkGradients: false, checkFor: null, quiet: false, images: [] };
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
      case '--gradients-for': a.gradientsFor = val().split(',').filter((s) => s); break;
      case '--label': a.label = val().split(',').map((s) => parseInt(s, 10)); break;
      case '--check-gradients': a.checkGradients = true; break;
      case '--check-for': a.checkFor = val(); break;
      case '--check-sites': a.checkSites = val().split(',').map((x) => parseInt(x, 10)); break;
      case '--check-step': a.checkStep = Number(val()); break;
      case '--quiet': a.quiet = true; break;
      case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
      default: die(`unknown argument ${k}\n${USAGE}`);
    }
  }
  if (!a.network || a.images.length === 0 || !a.out) { die(USAGE); }
  if (!NETWORKS.includes(a.network)) { die(`unknown network ${a.network} (known: ${NETWORKS.join(', ')})`); }
  if (a.dtype !== 'float16' && a.dtype !== 'float32') { die('--dtype must be float16 or float32'); }
  if (a.label && a.label.some((n) => !Number.isInteger(n))) { die('--label: integers expected'); }
  if (a.label && a.label.length !== 1 && a.label.length !== a.images.length) { die('--label: one label, or one per photo'); }
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
const { siteGradients, checkGradients } = require('./lib/gradients');

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
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
  const engine = net.engine;
  fs.mkdirSync(args.out, { recursive: true });

  let specs;
  try { specs = args.images.map(parseImageSpec); } catch (e) { die(e.message); }
  if (net.task !== 'descriptor' && specs.some((sp) => sp.face != null)) { die('--images path#faceK: only for face_recognition_net'); }
  const names = specs.map(imageName);
  if (new Set(names).size !== names.length) { die('two images (or faces) have the same name'); }
  const gradNames = args.gradients ? (args.gradientsFor || names) : [];
  for (const n of gradNames) { if (!names.includes(n)) { die(`--gradients-for: ${n} is not one of --images`); } }
  const checkName = args.checkGradients ? (args.checkFor || gradNames[0]) : null;
  if (args.checkGradients && !gradNames.includes(checkName)) { die('--check-for: a photo with gradients expected'); }
  const t0 = Date.now();

  const manifest = {
    format: 'ebpc-dataset-1',
    network: args.network,
    model: { ...net.model, files: net.files.map((f) => ({ path: f.rel, sha256: sha256(f.abs) })) },
    layout: 'CHW',
    preprocessing: net.preprocessingText,
    dtype: args.dtype,
    zero_canonicalisation: 'every stored zero is +0.0: -0.0 (from ReLU gradients, or from '
      + 'negative values that round to zero in float16) is written as +0.0',
    images: [],
    layers: engine.sites.map((s) => ({ name: s.name, index: s.index, activation: s.activation, shape: s.shape })),
    files: [],
  };
  const perImageGrad = [];
  let check = null;
  const perImageValues = engine.sites.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);

  // Writes the manifest; called after every photo (done: the last one).
  const finish = (done) => {
    if (args.gradients) {
      manifest.gradients = {
        mode: 'inference',
        batchnorm: 'inference (moving statistics; mobilenet_v2_mid and face_recognition_net have it folded into the convolutions)',
        dropout: 'none (inference)',
        batch: 'each photo alone (batch of one): its gradients do not depend on the other photos',
        loss: net.lossText,
        label_source: net.task !== 'classifier' ? 'not a classifier'
          : (args.label ? 'given with --label' : "the network's own top-1 class (inference mode)"),
        per_image: perImageGrad,
        written_for: perImageGrad.map((r) => r.image),
        note: 'gradient of the loss with respect to the input of each activation (ReLU6 / ReLU), '
          + 'all sites from one backward pass through zero tensors added at each activation input; '
          + 'the activation derivative is 1 where 0 < x < max_value and 0 elsewhere (PyTorch '
          + 'relu / hardtanh backward), zeros are stored as +0.0',
        values_per_image: perImageValues,
        ...(check ? { finite_difference_check: check } : {}),
      };
    }
    manifest.complete = done;
    manifest.seconds = Math.round((Date.now() - t0) / 100) / 10;
    fs.writeFileSync(path.join(args.out, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  };

  // One photo at a time, inference mode (batch-norm moving statistics, no dropout), so
  // nothing depends on which other photos are in the run.
  for (let i = 0; i < args.images.length; i++) {
    const t1 = Date.now();
    const img = { ...decodeImage(specs[i].file), face: specs[i].face };
    const { input, info } = await net.prepare(tf, img);
    const res = engine.forward(input, { capture: true });
    const described = net.describe(res.output);
    const entry = { name: names[i], ...imageInfo(specs[i].file), ...info, ...described };
    if (net.task === 'descriptor' || i === 0) {
      entry.reference_check = await net.checkReference(input, res.output);
    }
    manifest.images.push(entry);
    for (const s of engine.sites) {
      const data = toCHW(res.activations[s.index]);
      manifest.files.push(writeMap(args, 'activation', names[i], s, data, s.shape));
    }
    let msg = `activations ${names[i]}: ${JSON.stringify(described)}, ${engine.sites.length} layers, `
      + `${((Date.now() - t1) / 1000).toFixed(1)} s`;
    if (gradNames.includes(names[i])) {
      const t2 = Date.now();
      const label = args.label ? (args.label.length === 1 ? args.label[0] : args.label[i]) : null;
      const target = net.target(input, res.output, label);
      const loss = (out) => net.loss(tf, out, target);
      const g = siteGradients(tf, engine, input, loss);
      const seconds = (Date.now() - t2) / 1000;
      const rec = { image: names[i], ...(target.label != null ? { label: target.label, label_name: target.label_name } : {}),
        loss: g.loss, seconds: Math.round(seconds * 10) / 10 };
      for (const s of engine.sites) {
        manifest.files.push(writeMap(args, 'gradient', names[i], s, toCHW(g.grads[s.index]), s.shape));
      }
      msg += `; gradients: loss ${g.loss.toPrecision(6)}, ${seconds.toFixed(1)} s`;
      if (names[i] === checkName) {
        const t3 = Date.now();
        check = { image: names[i], results: checkGradients(tf, engine, input, loss, g,
          { log: (m) => log(args, m), ...(args.checkSites ? { pick: args.checkSites } : {}),
            ...(args.checkStep ? { step: args.checkStep } : {}) }) };
        check.seconds = Math.round((Date.now() - t3) / 100) / 10;
      }
      perImageGrad.push(rec);
      tf.dispose(g.grads);
    }
    tf.dispose([input, res.output, ...res.activations]);
    log(args, msg);
    // The manifest is rewritten after every photo (complete: false until the last), so an
    // interrupted run leaves a usable dataset of the photos done so far.
    finish(i === args.images.length - 1);
  }

  log(args, `wrote ${manifest.files.length} maps and ${path.join(args.out, 'manifest.json')} in ${manifest.seconds} s`);
}

if (require.main === module) {
  main().catch((e) => { process.stderr.write(`extract: ${e.stack || e}\n`); process.exit(1); });
}

