'use strict';
// The real trained networks we can run, loaded from the local node_modules (pinned in
// package.json), never from the network:
//   mobilenet_v2, inception_v3  Keras models in tfjs layers format that npm `nsfwjs` ships
//                               as JS bundles under dist/models/ (lib/interpreter.js);
//   mobilenet_v2_mid            nsfwjs's tfjs graph model (TF-Hub MobileNetV2, width 1.4)
//                               (lib/graphnet.js);
//   face_recognition_net        @vladmandic/face-api's FaceRecognitionNet: weights only,
//                               forward pass in lib/facenet.js.
// Each loader returns the same shape of object: engine (sites + forward), prepare(img) ->
// input tensor, loss and target for the gradients, a reference check against the
// package's own inference, provenance for the manifest.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

const NSFW_NETWORKS = {
  mobilenet_v2: { dir: 'mobilenet_v2', size: 224, kind: 'layers',
    architecture: 'MobileNetV2 (Keras applications, alpha 1.0, 224x224) with a 7x7 average pool and a 256-128-5 dense head' },
  inception_v3: { dir: 'inception_v3', size: 299, kind: 'layers',
    architecture: 'InceptionV3 (Keras applications, 299x299) with a dense head' },
  mobilenet_v2_mid: { dir: 'mobilenet_v2_mid', size: 224, kind: 'graph',
    architecture: 'MobileNetV2 width 1.4 (224x224; the TF-Hub feature vector, a tfjs graph model with batch norm '
      + 'folded into the convolutions) with a 1792-5 linear head' },
};
const NETWORKS = [...Object.keys(NSFW_NETWORKS), 'face_recognition_net'];

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function packageRoot(name) {
  return path.dirname(require.resolve(`${name}/package.json`));
}

function toArrayBuffer(buf) {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

// Mean cross-entropy of softmax(logits) against integer labels.
function crossEntropy(tf, logits, labels) {
  const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), logits.shape[1]).toFloat();
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1)));
}

function argmax(a) {
  let best = 0;
  for (let i = 1; i < a.length; i++) { if (a[i] > a[best]) { best = i; } }
  return best;
}

function maxAbsDiff(a, b) {
  let d = 0;
  for (let i = 0; i < a.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); }
  return d;
}

async function loadNsfw(name) {
  const tf = require('@tensorflow/tfjs');
  const spec = NSFW_NETWORKS[name];
  const root = path.resolve(path.dirname(require.resolve('nsfwjs')), '..', '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dir = path.join(root, 'dist', 'models', spec.dir);
  const modelFile = path.join(dir, 'model.min.js');
  const modelJson = require(modelFile);
  const files = [{ rel: `dist/models/${spec.dir}/model.min.js`, abs: modelFile }];
  const weightSpecs = [];
  const chunks = [];
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths) {
      const abs = path.join(dir, `${p}.min.js`);
      files.push({ rel: `dist/models/${spec.dir}/${p}.min.js`, abs });
      chunks.push(Buffer.from(require(abs), 'base64'));
    }
    weightSpecs.push(...group.weights);
  }
  const weightData = toArrayBuffer(Buffer.concat(chunks));
  const topology = modelJson.modelTopology;
  let engine;
  let reference;
  if (spec.kind === 'layers') {
    const { Interpreter } = require('./interpreter');
    const layersModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs, weightData }));
    engine = new Interpreter(tf, { layersModel, layerConfigs: topology.model_config.config.layers });
    reference = { what: "tfjs's own LayersModel.predict", run: (x) => tf.tidy(() => layersModel.predict(x).dataSync()) };
  } else {
    const { GraphInterpreter } = require('./graphnet');
    const weights = tf.io.decodeWeights(weightData, weightSpecs);
    engine = new GraphInterpreter(tf, topology.node, weights);
    const graphModel = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs, weightData,
      format: modelJson.format, generatedBy: modelJson.generatedBy, convertedBy: modelJson.convertedBy }));
    reference = { what: "tfjs's own GraphModel.predict", run: (x) => tf.tidy(() => graphModel.predict(x).dataSync()) };
  }
  const size = spec.size;
  return {
    name,
    task: 'classifier',
    engine,
    classes: NSFW_CLASSES,
    files,
    model: {
      package: `nsfwjs@${pkg.version}`,
      path: `node_modules/nsfwjs/dist/models/${spec.dir}/`,
      license: `${pkg.license} (nsfwjs, Copyright (c) 2019 Infinite Red, Inc.; weights ship inside the package)`,
      trained_on: 'the NSFW detection model of github.com/gantman/nsfw_model (as the nsfwjs README says): '
        + `5 classes (${NSFW_CLASSES.join(', ')}) of web images, not ImageNet; the package records no more `
        + 'about its training data',
      architecture: spec.architecture,
      ...(topology.keras_version ? { keras_version: topology.keras_version } : { format: modelJson.format }),
    },
    preprocessingText: `RGB uint8 (jpeg-js / pngjs decode, alpha dropped, EXIF orientation ignored) / 255, `
      + `then tf.image.resizeBilinear to ${size}x${size} with alignCorners=true (as nsfwjs's infer()), `
      + `batch of 1${spec.kind === 'graph' ? '; the graph itself maps [0,1] to [-1,1] (x*2-1)' : '; no mean/std normalisation'}`,
    async prepare(tfm, img) {
      const input = tfm.tidy(() => {
        const x = tfm.tensor3d(img.rgb, [img.height, img.width, 3], 'int32').toFloat().div(255);
        const r = (img.height !== size || img.width !== size) ? tfm.image.resizeBilinear(x, [size, size], true) : x;
        return r.reshape([1, size, size, 3]);
      });
      return { input, info: {} };
    },
    // Compares the engine's class probabilities with the package's own inference.
    async checkReference(input, output) {
      const probs = tf.tidy(() => tf.softmax(output).dataSync());
      const d = maxAbsDiff(reference.run(input), probs);
      if (!(d < 1e-4)) { throw new Error(`${name}: our forward pass disagrees with ${reference.what}: max |dp| = ${d}`); }
      return { against: `${reference.what} (class probabilities)`, max_abs_diff: d };
    },
    describe(output) {
      const probs = tf.tidy(() => tf.softmax(output).dataSync());
      const k = argmax(probs);
      return { top1: k, top1_name: NSFW_CLASSES[k], top1_probability: probs[k] };
    },
    // The loss of the gradients: cross-entropy against the photo's own top-1 class
    // (inference mode), or a given label.
    target(input, output, label) {
      const k = label == null ? this.describe(output).top1 : label;
      return { label: k, label_name: NSFW_CLASSES[k] };
    },
    loss(tfm, output, target) { return crossEntropy(tfm, output, [target.label]); },
    lossText: 'cross-entropy of softmax(logits) against the label (the photo\'s own top-1 class in inference '
      + 'mode unless --label), batch of one',
  };
}

// The face descriptor net. Faces are found with the package's own SSD-MobileNetV1 face
// detector; the highest-scoring face (or the k-th by score: --images path#faceK) is cut out as a square (side = the larger side of
// the detected box, centred on it, shrunk to fit the photo) and resized to 150x150.
async function loadFaceNet() {
  const tf = require('@tensorflow/tfjs');
  const { FaceNet, INPUT_SIZE, MEAN_RGB } = require('./facenet');
  const { loadFaceApi } = require('./faceapi');
  const root = packageRoot('@vladmandic/face-api');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const modelDir = path.join(root, 'model');
  const manifestFile = path.join(modelDir, 'face_recognition_model-weights_manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const chunks = [];
  const specs = [];
  const files = [{ rel: 'model/face_recognition_model-weights_manifest.json', abs: manifestFile }];
  for (const group of manifest) {
    for (const p of group.paths) {
      const abs = path.join(modelDir, p);
      files.push({ rel: `model/${p}`, abs });
      chunks.push(fs.readFileSync(abs));
    }
    specs.push(...group.weights);
  }
  const weights = tf.io.decodeWeights(toArrayBuffer(Buffer.concat(chunks)), specs);
  const engine = new FaceNet(tf, weights);
  const faceapi = loadFaceApi();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  for (const p of ['ssd_mobilenetv1_model-weights_manifest.json', 'ssd_mobilenetv1_model.bin']) {
    files.push({ rel: `model/${p}`, abs: path.join(modelDir, p) });
  }
  const minConfidence = 0.3;
  return {
    name: 'face_recognition_net',
    task: 'descriptor',
    engine,
    files,
    model: {
      package: `@vladmandic/face-api@${pkg.version}`,
      path: 'node_modules/@vladmandic/face-api/model/face_recognition_model*',
      license: `${pkg.license} (@vladmandic/face-api, Copyright (c) Vladimir Mandic; the weights ship inside the `
        + 'package; the network is the face-api.js port of dlib\'s dlib_face_recognition_resnet_model_v1)',
      trained_on: 'dlib\'s face recognition model (the package\'s TUTORIAL.md: a ResNet-34 like architecture, weights trained '
        + 'by Davis King for face descriptors, 99.38% on the LFW benchmark); the package records no more about '
        + 'its training data',
      architecture: 'dlib face-descriptor ResNet: 7x7/2 conv + 3x3/2 max pool, 14 basic residual blocks '
        + '(32-64-128-256 channels, half of ResNet-34), plain ReLU, global average pool, 256x128 linear, '
        + '150x150 input; written as tfjs ops in tools/extract/lib/facenet.js from the weight names',
      face_detector: `the package's SsdMobilenetv1 (minConfidence ${minConfidence}); the highest-scoring face, or the `
        + 'k-th by score with --images path#faceK (images[].face.rank)',
    },
    preprocessingText: 'RGB uint8 (jpeg-js / pngjs decode, alpha dropped, grey replicated); the highest-scoring '
      + '(or, with path#faceK, the k-th by score) '
      + `face of face-api's SsdMobilenetv1 (minConfidence ${minConfidence}) cut out as a square (side = the larger `
      + 'side of the detected box, centred on it, shrunk to fit the photo), tf.image.resizeBilinear to 150x150 '
      + '(alignCorners=false), rounded to integers; inside the net minus the mean RGB '
      + `(${MEAN_RGB.join(', ')}) and / 255, as face-api's FaceRecognitionNet does`,
    // All faces the detector finds in the photo, highest score first (a stable sort: ties
    // keep the detector's order, so face 1 is the face that the reduce over the scores
    // picked before --images path#faceK existed).
    async detectFaces(tfm, img) {
      const pixels = tfm.tensor3d(img.rgb, [img.height, img.width, 3], 'int32');
      const dets = await faceapi.detectAllFaces(pixels, new faceapi.SsdMobilenetv1Options({ minConfidence }));
      pixels.dispose();
      return dets.map((d, i) => ({ d, i })).sort((a, b) => (b.d.score - a.d.score) || (a.i - b.i)).map((e) => e.d);
    },
    // The square crop of one detection (side = the larger side of the box, centred on it,
    // shrunk to fit the photo), resized to 150x150 and rounded: the net's [1,150,150,3] input.
    cropFace(tfm, img, d) {
      const side = Math.min(Math.round(Math.max(d.box.width, d.box.height)), img.width, img.height);
      const cx = d.box.x + d.box.width / 2;
      const cy = d.box.y + d.box.height / 2;
      const x0 = Math.max(0, Math.min(img.width - side, Math.round(cx - side / 2)));
      const y0 = Math.max(0, Math.min(img.height - side, Math.round(cy - side / 2)));
      const input = tfm.tidy(() => {
        const pixels = tfm.tensor3d(img.rgb, [img.height, img.width, 3], 'int32');
        const crop = tfm.slice(pixels.toFloat(), [y0, x0, 0], [side, side, 3]);
        return tfm.round(tfm.image.resizeBilinear(crop, [INPUT_SIZE, INPUT_SIZE], false)).reshape([1, INPUT_SIZE, INPUT_SIZE, 3]);
      });
      return { input, crop: { x: x0, y: y0, side } };
    },
    // img.face: which face of the photo (1 = the highest-scoring; --images path#faceK).
    async prepare(tfm, img) {
      const k = img.face || 1;
      const dets = await this.detectFaces(tfm, img);
      if (dets.length === 0) { throw new Error(`${img.file}: no face found`); }
      if (k > dets.length) { throw new Error(`${img.file}: face ${k} asked for, ${dets.length} found`); }
      const d = dets[k - 1];
      const { input, crop } = this.cropFace(tfm, img, d);
      return { input, info: { face: { rank: k, score: Math.round(d.score * 1e4) / 1e4, faces_found: dets.length,
        box: [d.box.x, d.box.y, d.box.width, d.box.height].map((v) => Math.round(v * 10) / 10),
        crop } } };
    },
    async checkReference(input, output) {
      const crop = tf.squeeze(input, [0]);
      const ref = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(crop);
      crop.dispose();
      const d = maxAbsDiff(ref, output.dataSync());
      if (!(d < 1e-4)) { throw new Error(`face_recognition_net: our forward pass disagrees with face-api: max |d| = ${d}`); }
      return { against: "face-api's own FaceRecognitionNet (computeFaceDescriptor on the same crop)", max_abs_diff: d };
    },
    describe(output) {
      const v = output.dataSync();
      let n = 0;
      for (const x of v) { n += x * x; }
      return { descriptor_norm: Math.sqrt(n) };
    },
    // Target: the descriptor of the same crop mirrored left-right (inference), a constant.
    target(input) {
      const t = tf.tidy(() => engine.forward(tf.reverse(input, 2), { capture: false }).output.dataSync());
      return { mirrored_descriptor: Array.from(t) };
    },
    loss(tfm, output, target) {
      return tfm.sum(tfm.square(tfm.sub(output, tfm.tensor2d(target.mirrored_descriptor, [1, 128]))));
    },
    lossText: 'squared Euclidean distance between the descriptor of the face crop and the (constant) descriptor '
      + 'of the same crop mirrored left-right: the two show the same person, so the network is meant to map them '
      + 'together (dlib trains it with a pairwise metric loss on descriptor distances)',
  };
}

async function loadNetwork(name) {
  if (NSFW_NETWORKS[name]) { return loadNsfw(name); }
  if (name === 'face_recognition_net') { return loadFaceNet(); }
  throw new Error(`unknown network ${name} (known: ${NETWORKS.join(', ')})`);
}

module.exports = { loadNetwork, NETWORKS, sha256 };
