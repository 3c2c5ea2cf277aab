'use strict';
// Loads npm `@vladmandic/face-api` (pinned in package.json) on the same pure-JS tfjs CPU
// backend as the rest of the extractor. Its node build for the pure-JS tfjs,
// dist/face-api.node-wasm.js, also requires @tensorflow/tfjs-backend-wasm, which we do not
// install: that require gets an empty module (face-api only re-exports it), and the backend
// stays 'cpu'. Used for the package's own face detector and as the reference descriptor
// that our re-implemented FaceRecognitionNet forward pass is checked against.
const path = require('path');
const Module = require('module');

let cached = null;

function faceApiRoot() {
  return path.resolve(path.dirname(require.resolve('@vladmandic/face-api/package.json')));
}

function loadFaceApi() {
  if (cached) { return cached; }
  const origLoad = Module._load;
  Module._load = function load(request, parent, isMain) {
    if (request === '@tensorflow/tfjs-backend-wasm') { return {}; }
    return origLoad.call(this, request, parent, isMain);
  };
  try {
    cached = require(path.join(faceApiRoot(), 'dist', 'face-api.node-wasm.js'));
  } finally {
    Module._load = origLoad;
  }
  return cached;
}

module.exports = { loadFaceApi, faceApiRoot };
