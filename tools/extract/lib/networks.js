'use strict';
// The real trained networks we can run: Keras models in tfjs layers format that npm
// `nsfwjs` ships with their weights (as JS bundles under dist/models/), loaded from the
// local node_modules, never from the network.
const fs = require('fs');
const path = require('path');

const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

const NETWORKS = {
  mobilenet_v2: { dir: 'mobilenet_v2', size: 224, shards: 1,
    architecture: 'MobileNetV2 (Keras applications, alpha 1.0, 224x224) with a 7x7 average pool and a 256-128-5 dense head' },
  inception_v3: { dir: 'inception_v3', size: 299, shards: 6,
    architecture: 'InceptionV3 (Keras applications, 299x299) with a dense head' },
};

function nsfwjsRoot() {
  // require.resolve('nsfwjs') -> <root>/dist/cjs/index.js
  return path.resolve(path.dirname(require.resolve('nsfwjs')), '..', '..');
}

async function loadNetwork(name) {
  const tf = require('@tensorflow/tfjs');
  const spec = NETWORKS[name];
  if (!spec) { throw new Error(`unknown network ${name} (known: ${Object.keys(NETWORKS).join(', ')})`); }
  const root = nsfwjsRoot();
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
  const all = Buffer.concat(chunks);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const layersModel = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology, weightSpecs, weightData }));
  const topology = modelJson.modelTopology;
  return {
    name,
    layersModel,
    layerConfigs: topology.model_config.config.layers,
    classes: NSFW_CLASSES,
    size: spec.size,
    files,
    model: {
      package: `nsfwjs@${pkg.version}`,
      path: `node_modules/nsfwjs/dist/models/${spec.dir}/`,
      license: `${pkg.license} (nsfwjs, Copyright (c) 2019 Infinite Red, Inc.; weights ship inside the package)`,
      trained_on: 'the NSFW detection model of github.com/gantman/nsfw_model (as the nsfwjs README says): '
        + `5 classes (${NSFW_CLASSES.join(', ')}) of web images, not ImageNet; the package records no more `
        + 'about its training data (its Keras training_config is SGD, lr 9e-7, momentum 0.9, categorical cross-entropy)',
      architecture: spec.architecture,
      keras_version: topology.keras_version,
    },
    preprocessingText: `RGB uint8 (jpeg-js / pngjs decode, alpha dropped, EXIF orientation ignored) / 255, `
      + `then tf.image.resizeBilinear to ${spec.size}x${spec.size} with alignCorners=true (as nsfwjs's infer()), `
      + 'batch of 1 for activations; no mean/std normalisation',
    preprocess(tfm, img) {
      return tfm.tidy(() => {
        const x = tfm.tensor3d(img.rgb, [img.height, img.width, 3], 'int32').toFloat().div(255);
        const r = (img.height !== spec.size || img.width !== spec.size)
          ? tfm.image.resizeBilinear(x, [spec.size, spec.size], true) : x;
        return r.reshape([1, spec.size, spec.size, 3]);
      });
    },
  };
}

module.exports = { loadNetwork, NETWORKS };
