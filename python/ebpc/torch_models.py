"""Keras models in tfjs layers format (model.json + weight files) rebuilt as torch modules
with their real weights: ``ebpc.torch.models``. Covers the layers of the Keras
applications MobileNetV2 that npm nsfwjs ships (InputLayer, ZeroPadding2D, Conv2D,
DepthwiseConv2D, BatchNormalization, ReLU, Add, AveragePooling2D, Flatten, Dense,
Dropout); an unknown layer raises ebpc.Error naming it.

Every Keras ReLU (and the relu of a Dense layer, as ``NAME_relu``) is an ``nn.ReLU6`` /
``nn.ReLU`` module named as in the Keras model, so ``ebpc.torch.profile`` reports the
layer names the extractor (tools/extract) writes. Tensors are NCHW; weights are
dequantised as tfjs does (uint8 q -> q * scale + min, rounded to float32).
"""
from __future__ import annotations

import json
import math
import os
import subprocess

import numpy as _np
import torch as _torch
import torch.nn.functional as _F

from ebpc import Error

__all__ = ["KerasGraph", "load_tfjs", "export_nsfwjs", "load_nsfwjs", "load_rgb", "preprocess_nsfwjs"]



def _read_weights(model_dir, manifest):
    out = {}
    for group in manifest:
        data = b"".join(open(os.path.join(model_dir, p), "rb").read() for p in group["paths"])
        pos = 0
        for w in group["weights"]:
            n = int(_np.prod(w["shape"])) if w["shape"] else 1
            q = w.get("quantization")
            if q:
                qdt = {"uint8": _np.uint8, "uint16": _np.uint16}[q["dtype"]]
                raw = _np.frombuffer(data, qdt, n, pos)
                pos += n * raw.itemsize
                v = (raw.astype(_np.float64) * q["scale"] + q["min"]).astype(_np.float32)
            else:
                if w["dtype"] != "float32":
                    raise Error(f"weight {w['name']}: dtype {w['dtype']} not supported")
                v = _np.frombuffer(data, _np.float32, n, pos).copy()
                pos += 4 * n
            out[w["name"]] = v.reshape(w["shape"])
        if pos != len(data):
            raise Error(f"weight files hold {len(data)} bytes, the manifest {pos}")
    return out


def _same_pad(size, k, s, d=1):
    k_eff = (k - 1) * d + 1
    out = math.ceil(size / s)
    total = max((out - 1) * s + k_eff - size, 0)
    return total // 2, total - total // 2


class _Pad(_torch.nn.Module):
    def __init__(self, padding):
        super().__init__()
        (t, b), (l, r) = padding
        self.p = (l, r, t, b)

    def forward(self, x):
        return _F.pad(x, self.p)


class _Conv(_torch.nn.Module):
    """Conv2D / DepthwiseConv2D with Keras 'same' (asymmetric) or 'valid' padding."""

    def __init__(self, conv, padding, k, s, d):
        super().__init__()
        self.conv = conv
        self.same = padding == "same"
        self.k, self.s, self.d = k, s, d

    def forward(self, x):
        if self.same:
            pt, pb = _same_pad(x.shape[2], self.k[0], self.s[0], self.d[0])
            pl, pr = _same_pad(x.shape[3], self.k[1], self.s[1], self.d[1])
            if pt or pb or pl or pr:
                x = _F.pad(x, (pl, pr, pt, pb))
        return self.conv(x)


class _Flatten(_torch.nn.Module):
    def forward(self, x):  # Keras channels_last order
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1) if x.dim() == 4 else x.reshape(x.shape[0], -1)


class _Add(_torch.nn.Module):
    def forward(self, *xs):
        y = xs[0]
        for x in xs[1:]:
            y = y + x
        return y


class KerasGraph(_torch.nn.Module):
    """A Keras functional model as a torch module: ``layers`` (a ModuleDict keyed by the
    Keras names) run in the model's order; ``forward`` returns the output layer's value."""

    def __init__(self, topology, weights):
        super().__init__()
        cfg = topology["model_config"]["config"] if "model_config" in topology else topology["config"]
        self.layers = _torch.nn.ModuleDict()
        self.order = []  # (name, [input names])
        self.outputs = [o[0] for o in cfg["output_layers"]]
        self.input_name = cfg["input_layers"][0][0]
        used = set()
        channels = {}
        for layer in cfg["layers"]:
            cls, c, name = layer["class_name"], layer["config"], layer["config"]["name"]
            inbound = [n[0] for n in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
            cin = channels.get(inbound[0]) if inbound else None
            mod, cout = self._build(cls, c, name, cin, weights, used)
            channels[name] = cout
            if mod is not None:
                self.layers[name] = mod
            self.order.append((name, inbound, cls))
            act = c.get("activation")
            if cls == "Dense" and act not in (None, "linear", "relu", "softmax"):
                raise Error(f"layer {name}: activation {act} not supported")
            if cls in ("Conv2D", "DepthwiseConv2D") and act not in (None, "linear"):
                raise Error(f"layer {name}: activation {act} not supported")
        # Where each value is used last: forward drops it there, so that the module holds no
        # more than the layers themselves (what autograd saves is autograd's business).
        self.last_use = {}
        for k, (name, inbound, _) in enumerate(self.order):
            for i in inbound:
                self.last_use[i] = k
        unused = set(weights) - used
        if unused:
            raise Error(f"weights not used by any layer: {sorted(unused)[:3]}")

    @staticmethod
    def _build(cls, c, name, cin, weights, used):
        def w(key):
            k = f"{name}/{key}"
            if k not in weights:
                raise Error(f"layer {name}: weight {k} missing")
            used.add(k)
            return _torch.from_numpy(_np.ascontiguousarray(weights[k]))

        if cls == "InputLayer":
            return None, c["batch_input_shape"][-1]
        if cls == "ZeroPadding2D":
            return _Pad(c["padding"]), cin
        if cls in ("Conv2D", "DepthwiseConv2D"):
            k, s, d = tuple(c["kernel_size"]), tuple(c["strides"]), tuple(c["dilation_rate"])
            if c["data_format"] != "channels_last":
                raise Error(f"layer {name}: data_format {c['data_format']}")
            if cls == "Conv2D":
                kern = w("kernel")  # kh, kw, in, out
                conv = _torch.nn.Conv2d(kern.shape[2], kern.shape[3], k, s, 0, d, bias=c["use_bias"])
                conv.weight.data.copy_(kern.permute(3, 2, 0, 1))
                cout = kern.shape[3]
            else:
                kern = w("depthwise_kernel")  # kh, kw, in, mult
                cin_, mult = kern.shape[2], kern.shape[3]
                conv = _torch.nn.Conv2d(cin_, cin_ * mult, k, s, 0, d, groups=cin_, bias=c["use_bias"])
                conv.weight.data.copy_(kern.permute(2, 3, 0, 1).reshape(cin_ * mult, 1, k[0], k[1]))
                cout = cin_ * mult
            if c["use_bias"]:
                conv.bias.data.copy_(w("bias"))
            return _Conv(conv, c["padding"], k, s, d), cout
        if cls == "BatchNormalization":
            if c["axis"] not in (-1, 3, [3], [-1]):
                raise Error(f"layer {name}: axis {c['axis']}")
            mean = w("moving_mean")
            bn = _torch.nn.BatchNorm2d(mean.shape[0], eps=c["epsilon"], momentum=1.0 - c["momentum"],
                                       affine=c["scale"] or c["center"])
            bn.running_mean.copy_(mean)
            bn.running_var.copy_(w("moving_variance"))
            bn.weight.data.copy_(w("gamma") if c["scale"] else _torch.ones_like(mean))
            bn.bias.data.copy_(w("beta") if c["center"] else _torch.zeros_like(mean))
            return bn, cin
        if cls == "ReLU":
            if c.get("negative_slope", 0) != 0 or c.get("threshold", 0) != 0:
                raise Error(f"layer {name}: leaky / thresholded ReLU not supported")
            mv = c.get("max_value")
            if mv is None:
                return _torch.nn.ReLU(), cin
            if mv != 6:
                raise Error(f"layer {name}: max_value {mv} not supported")
            return _torch.nn.ReLU6(), cin
        if cls == "Add":
            return _Add(), cin
        if cls == "AveragePooling2D":
            if c["padding"] != "valid":
                raise Error(f"layer {name}: padding {c['padding']}")
            return _torch.nn.AvgPool2d(tuple(c["pool_size"]), tuple(c["strides"])), cin
        if cls == "Flatten":
            return _Flatten(), None
        if cls == "Dropout":
            return _torch.nn.Dropout(c["rate"]), cin
        if cls == "Dense":
            kern = w("kernel")  # in, out
            lin = _torch.nn.Linear(kern.shape[0], kern.shape[1], bias=c["use_bias"])
            lin.weight.data.copy_(kern.t())
            if c["use_bias"]:
                lin.bias.data.copy_(w("bias"))
            mods = _torch.nn.ModuleDict({"linear": lin})
            if c["activation"] == "relu":
                mods[f"{name}_relu"] = _torch.nn.ReLU()
            return mods, kern.shape[1]
        raise Error(f"layer {name}: Keras layer {cls} not supported by the converter")

    def forward(self, x, *, capture=None):
        """x: N,C,H,W. capture: a dict that receives every layer's output by Keras name
        (Dense relu outputs as NAME_relu)."""
        vals = {}
        for k, (name, inbound, cls) in enumerate(self.order):
            if cls == "InputLayer":
                y = x
            elif cls == "Add":
                y = self.layers[name](*[vals[i] for i in inbound])
            elif cls == "Dense":
                mods = self.layers[name]
                y = mods["linear"](vals[inbound[0]])
                if f"{name}_relu" in mods:
                    if capture is not None:
                        capture[name + "_pre"] = y
                    y = mods[f"{name}_relu"](y)
                    if capture is not None:
                        capture[f"{name}_relu"] = y
            else:
                y = self.layers[name](vals[inbound[0]])
            vals[name] = y
            if capture is not None:
                capture[name] = y
            for i in set(inbound):
                if self.last_use.get(i) == k and i not in self.outputs:
                    del vals[i]
        return vals[self.outputs[0]]


def load_tfjs(model_dir: str) -> KerasGraph:
    """A torch module from DIR/model.json (tfjs layers format) and its weight files."""
    with open(os.path.join(model_dir, "model.json")) as f:
        m = json.load(f)
    return KerasGraph(m["modelTopology"], _read_weights(model_dir, m["weightsManifest"]))


def export_nsfwjs(network: str, out_dir: str, photos=(), node_modules=None) -> str:
    """Writes nsfwjs's bundled model as plain tfjs files (and photos decoded by the
    extractor's jpeg-js / pngjs as DIR/NAME.rgb + NAME.json) with node, by the script
    tools/extract/export_nsfwjs.js of a checkout of the repository (not part of the
    installed package); needs ``npm ci --prefix tools/extract``. node_modules: that
    directory (default: $EBPC_NODE_MODULES, else tools/extract/node_modules under the working
    directory); the script is the one beside it. Returns out_dir."""
    node_modules = os.path.abspath(node_modules or os.environ.get("EBPC_NODE_MODULES")
                                   or os.path.join("tools", "extract", "node_modules"))
    if not os.path.isdir(os.path.join(node_modules, "nsfwjs")):
        raise Error(f"{node_modules}/nsfwjs missing (run: npm ci --prefix tools/extract)")
    script = os.path.join(os.path.dirname(node_modules), "export_nsfwjs.js")
    if not os.path.isfile(script):
        raise Error(f"{script} missing: node_modules must be tools/extract/node_modules of a checkout")
    env = dict(os.environ, NODE_PATH=node_modules)
    subprocess.run(["node", script, network, out_dir, *photos], check=True, env=env)
    return out_dir


def load_nsfwjs(network: str = "mobilenet_v2", work_dir=None, node_modules=None) -> KerasGraph:
    import tempfile

    work_dir = work_dir or tempfile.mkdtemp(prefix=f"ebpc-{network}-")
    if not os.path.exists(os.path.join(work_dir, "model.json")):
        export_nsfwjs(network, work_dir, node_modules=node_modules)
    return load_tfjs(work_dir)


def load_rgb(path_without_ext: str) -> _torch.Tensor:
    """H,W,3 uint8 pixels written by export_nsfwjs."""
    with open(path_without_ext + ".json") as f:
        meta = json.load(f)
    data = _np.fromfile(path_without_ext + ".rgb", _np.uint8).reshape(meta["height"], meta["width"], 3)
    return _torch.from_numpy(data.copy())


def preprocess_nsfwjs(rgb: _torch.Tensor, size: int = 224) -> _torch.Tensor:
    """nsfwjs's infer(): uint8 RGB / 255, bilinear resize with align_corners (tfjs
    resizeBilinear(alignCorners=true)), as 1,3,size,size."""
    x = rgb.to(_torch.float32) / 255.0
    x = x.permute(2, 0, 1).unsqueeze(0)
    if x.shape[2] != size or x.shape[3] != size:
        x = _F.interpolate(x, size=(size, size), mode="bilinear", align_corners=True)
    return x
