"""PyTorch side of ebpc (imported only when used: ``import ebpc.torch``).

- ``compress(t)`` / ``decompress(buf)``: tensors of any supported dtype, bfloat16 included;
- ``compressed_saved_tensors()``: lossless EBPC of the tensors autograd saves for backward;
- ``profile(model, inputs)``: the paper's per-layer study (``ebpc eval``) of any model, and
  the dataset layout ``ebpc eval`` reads (``out=DIR``).
"""
from __future__ import annotations

import json
import os
import time
import weakref
from dataclasses import dataclass, field

import numpy as _np
import torch as _torch

import ebpc as _ebpc
from ebpc import Error

__all__ = ["compress", "decompress", "compressed_saved_tensors", "SavedTensorStats", "profile", "PACKABLE_DTYPES"]

_CONTAINER_DTYPES = {
    _torch.int8: "int8", _torch.uint8: "uint8", _torch.int16: "int16", _torch.float16: "float16",
    _torch.bfloat16: "bfloat16", _torch.int32: "int32", _torch.float32: "float32",
}


def compress(t: _torch.Tensor, codec: str = "ebpc", **kwargs) -> bytes:
    """An ``.ebpc`` container of tensor ``t`` (CPU or not; int8, uint8, int16, int32,
    float16, bfloat16, float32). A C-contiguous tensor is coded without a copy; a tensor
    whose strides are exactly reversed (a transposed, Fortran-order one) is stored in
    Fortran order and comes back with the same strides (not for bfloat16, which numpy
    cannot view that way); any other layout is made contiguous first. Options as :func:`ebpc.compress`."""
    if not isinstance(t, _torch.Tensor):
        raise Error("expected a torch.Tensor")
    if t.dtype not in _CONTAINER_DTYPES:
        raise Error(f"unsupported dtype {t.dtype} (ebpc codes {', '.join(_CONTAINER_DTYPES.values())})")
    t = t.detach()
    if t.device.type != "cpu":
        t = t.cpu()
    if (t.dtype != _torch.bfloat16 and not t.is_contiguous() and t.dim() > 1
            and t.permute(*reversed(range(t.dim()))).is_contiguous()):
        # Fortran order: numpy sees an F-contiguous array and the container records it.
        return _ebpc.compress(t.numpy(), codec, **kwargs)
    return _ebpc.compress(t, codec, **kwargs)  # C order (other layouts are made contiguous)


def decompress(buf, *, device=None, threads: int = 0,
               max_output_nbytes=_ebpc.DEFAULT_MAX_OUTPUT_NBYTES) -> _torch.Tensor:
    """The tensor of an ``.ebpc`` container (dtype and shape as compressed; Fortran order
    comes back as reversed strides). ``max_output_nbytes``: as :func:`ebpc.decompress`."""
    a = _ebpc.decompress(buf, threads=threads, max_output_nbytes=max_output_nbytes)
    t = a if isinstance(a, _torch.Tensor) else _torch.from_numpy(a)
    return t.to(device) if device is not None else t


# --- compressed saved tensors -------------------------------------------------------

@dataclass
class SavedTensorStats:
    """What a ``compressed_saved_tensors`` context saw. Bytes count each coded tensor once
    (a tensor saved twice is coded once and counted once). ``left`` counts the saves left
    alone by reason: "parameter" (parameters, leaves that require grad and views of them),
    "small" (under ``min_numel``), "layout" (not strided, or not dense), "dtype", "device",
    and "does not pay" (a sample coded to less than ``min_saving`` of its bytes saved)."""

    raw_bytes: int = 0          # bytes of the tensors coded
    packed_bytes: int = 0       # bytes of their containers
    pack_seconds: float = 0.0   # coding time (in the background worker when background=True)
    unpack_seconds: float = 0.0  # decoding time (prefetches included)
    wait_seconds: float = 0.0   # time the autograd thread waited for the background worker
    sample_seconds: float = 0.0  # time spent coding samples to decide (policy="auto")
    packed: int = 0             # tensors coded
    deduplicated: int = 0       # saves served by an earlier coding of the same tensor
    skipped: int = 0            # saves left alone (any reason)
    skipped_bytes: int = 0
    unpacked: int = 0
    prefetched: int = 0         # unpacks served by a decode started ahead in the background
    left: dict = field(default_factory=dict)        # reason -> saves left alone
    left_bytes: dict = field(default_factory=dict)  # reason -> their bytes
    codecs: dict = field(default_factory=dict)      # codec -> tensors it coded

    @property
    def ratio(self) -> float:
        return self.raw_bytes / self.packed_bytes if self.packed_bytes else 0.0

    @property
    def saved_fraction(self) -> float:
        """Bytes held for backward (coded tensors' containers plus what was left alone, the
        parameters excluded) over the bytes a plain run holds for the same saves."""
        plain = self.raw_bytes + self.skipped_bytes - self.left_bytes.get("parameter", 0)
        held = self.packed_bytes + self.skipped_bytes - self.left_bytes.get("parameter", 0)
        return held / plain if plain else 1.0


# Element size -> the integer dtype whose bit patterns carry the tensor's bits.
_CARRIER = {1: (_torch.uint8, "uint8"), 2: (_torch.int16, "int16"), 4: (_torch.int32, "int32"),
            8: (_torch.int32, "int32")}
PACKABLE_DTYPES = (_torch.float32, _torch.float16, _torch.bfloat16, _torch.float64, _torch.int8, _torch.uint8,
                   _torch.int16, _torch.int32, _torch.int64, _torch.bool)
_SAMPLE_SLICE = 4096  # elements per slice of the sample policy="auto" codes (three slices)


class _Packed:
    """Bytes and metadata only once coded: no reference to any tensor after that (no
    cycles, nothing kept alive). While a background coding runs, ``job`` holds its future
    (which holds the source until it is done); ``ahead`` a decode started ahead."""

    __slots__ = ("data", "dtype", "shape", "perm", "device", "job", "ahead", "version", "source", "seq",
                 "__weakref__")

    def __init__(self, data, dtype, shape, perm, device):
        self.data = data
        self.dtype = dtype
        self.shape = shape
        self.perm = perm
        self.device = device
        self.job = None
        self.ahead = None
        self.version = None
        self.source = None  # weakref to the saved tensor (background: to detect an in-place change)
        self.seq = -1


def _dense_order(t: _torch.Tensor):
    """A permutation p with t.permute(p) C-contiguous, or None when t is not dense."""
    if t.is_contiguous():
        return None, True
    order = sorted(range(t.dim()), key=lambda d: (-t.stride(d), -t.size(d)))
    p = t.permute(*order)
    if p.is_contiguous():
        return tuple(order), True
    return None, False


class compressed_saved_tensors(_torch.autograd.graph.saved_tensors_hooks):
    """Context manager: the tensors autograd saves for backward inside it are stored as
    EBPC containers of their bit patterns (lossless for every dtype), so gradients are
    bitwise identical to a run without it.

    Left alone (saved as usual; ``stats.left`` counts them by reason): parameters and leaf
    tensors that require grad, views of them, tensors with fewer than ``min_numel``
    elements, non-dense layouts (overlapping or with gaps), sparse/other layouts, dtypes
    outside PACKABLE_DTYPES, non-CPU tensors unless ``devices`` names their type (they are
    then copied to the CPU and back), and with ``policy="auto"`` (the default) tensors that
    do not pay: three slices of 4096 elements (start, middle, end) are coded first, and a
    tensor whose sample saves less than ``min_saving`` of its bytes (dense batch-norm inputs
    in float32, say) is kept as it is. The sample is also coded by each of ``fast_codecs``
    (ZVC, then zstd: several times faster than EBPC at W = 32), and the first of them whose
    sample is at most ``fast_slack`` (10%) larger than the smallest codes the tensor, else the
    codec that codes the sample smallest (float32 ReLU outputs: EBPC's bit-planes gain about
    5% over ZVC on float bit patterns, at a tenth of its speed); ``stats.codecs`` counts the
    tensors per codec. ``fast_codecs=()`` keeps ``codec`` alone. ``policy="all"`` codes every
    packable tensor with ``codec``.

    ``background=True`` codes in one worker thread while autograd goes on
    (the coder releases the GIL), and in backward decodes the tensor saved before the one
    being unpacked ahead of time (autograd unpacks roughly in reverse order). The saved
    tensor is then read after ``pack`` returns (at the latest when the context is left, which
    waits for the codings), so an in-place change to it inside the context after saving
    raises a RuntimeError at unpack, as PyTorch does without hooks; a change after the context
    is left does not reach the gradient. ``background=False`` (the default) codes a snapshot
    at once on the autograd thread: the worker only pays where a core is free for it
    (python/bench/train_step.py measures both).

    A tensor saved twice (same object, unchanged version) is coded once. Unpacking decodes
    afresh each time (unpack may run more than once: retain_graph, double backward).

        with ebpc.torch.compressed_saved_tensors() as stats:
            loss = model(x).sum()
        loss.backward()
        print(stats.raw_bytes, stats.packed_bytes, stats.left)
    """

    def __init__(self, codec: str = "ebpc", *, min_numel: int = 4096, threads: int = 1, block: int = 8,
                 max_zero_run: int = 16, devices=("cpu",), policy: str = "auto", min_saving: float = 0.1,
                 background: bool = False, fast_codecs=("zvc", "zstd"), fast_slack: float = 0.1):
        if policy not in ("auto", "all"):
            raise Error(f"policy must be 'auto' or 'all', not {policy!r}")
        if not 0.0 <= float(min_saving) < 1.0:
            raise Error(f"min_saving must be in [0, 1), not {min_saving!r}")
        self.codec = codec
        self.min_numel = int(min_numel)
        self.threads = int(threads)
        self.block = block
        self.max_zero_run = max_zero_run
        self.devices = tuple(devices)
        self.policy = policy
        self.min_saving = float(min_saving)
        self.background = bool(background)
        self.fast_codecs = tuple(c for c in (fast_codecs or ()) if c != codec)
        self.fast_slack = float(fast_slack)
        self.stats = SavedTensorStats()
        self._pool = None
        # The hooks are closures over this state, not methods: the graph holds the unpack
        # hook, which must not keep this object (and through it every packed tensor) alive.
        super().__init__(*self._hooks())

    def _hooks(self):
        stats = self.stats
        # id(tensor) -> (weakref to it, its version, packed). The weakref check makes a
        # reused id harmless; the packed object holds no tensor.
        cache: dict = {}
        order: list = []  # weakrefs to the packed objects, in pack order (for decoding ahead)
        codec, min_numel, threads = self.codec, self.min_numel, self.threads
        block, max_zero_run, devices = self.block, self.max_zero_run, self.devices
        auto, keep_below = self.policy == "auto", 1.0 - self.min_saving
        pool = None
        if self.background:
            from concurrent.futures import ThreadPoolExecutor
            pool = self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ebpc-saved")

        def leave(t, why):
            nbytes = t.numel() * t.element_size()
            stats.skipped += 1
            stats.skipped_bytes += nbytes
            stats.left[why] = stats.left.get(why, 0) + 1
            stats.left_bytes[why] = stats.left_bytes.get(why, 0) + nbytes
            return t

        fast, fast_within = self.fast_codecs, 1.0 + self.fast_slack

        def code(arr, which):
            t0 = time.perf_counter()
            data = _ebpc.compress(arr, which, block=block, max_zero_run=max_zero_run, threads=threads)
            return data, time.perf_counter() - t0

        def choose(flat):
            """The codec for flat (the carrier view), or None where no codec saves min_saving
            of its bytes, from a sample coded by codec and each of fast_codecs: the first fast
            codec whose sample is at most fast_slack larger than the smallest, else the one
            that codes it smallest."""
            n = flat.numel()
            k = _SAMPLE_SLICE
            if n <= 6 * k:
                return codec  # small enough that the sample would be most of it: code it
            t0 = time.perf_counter()
            mid = (n // 2) - k // 2
            sample = _torch.cat([flat[:k], flat[mid:mid + k], flat[n - k:]]).numpy()
            sizes = {c: len(_ebpc.compress(sample, c, block=block, max_zero_run=max_zero_run, threads=1))
                     for c in (codec, *fast)}
            smallest = min(sizes.values())
            which = next((c for c in fast if sizes[c] <= fast_within * smallest), None)
            if which is None:
                which = min(sizes, key=sizes.get)
            stats.sample_seconds += time.perf_counter() - t0
            return which if sizes[which] <= keep_below * sample.nbytes else None

        def pack(t):
            if (isinstance(t, _torch.nn.Parameter) or (t.is_leaf and t.requires_grad)
                    or (t._base is not None and t._base.is_leaf and t._base.requires_grad)):
                return leave(t, "parameter")
            if t.layout != _torch.strided:
                return leave(t, "layout")
            if t.dtype not in PACKABLE_DTYPES:
                return leave(t, "dtype")
            if t.numel() < min_numel:
                return leave(t, "small")
            if t.device.type not in devices:
                return leave(t, "device")
            entry = cache.get(id(t))
            if entry is not None and entry[0]() is t and entry[1] == t._version:
                packed = entry[2]()
                if packed is not None:
                    stats.deduplicated += 1
                    return packed
            perm, dense = _dense_order(t)
            if not dense:
                return leave(t, "layout")
            src = t.detach()
            if perm is not None:
                src = src.permute(*perm)
            if src.device.type != "cpu":
                src = src.cpu()
            flat = src.reshape(-1)
            carrier, name = _CARRIER[t.element_size()]
            if t.dtype == _torch.bool:
                flat = flat.view(_torch.uint8)
            flat = flat.view(carrier)
            which = choose(flat) if auto else codec
            if which is None:
                return leave(t, "does not pay")
            stats.codecs[which] = stats.codecs.get(which, 0) + 1
            packed = _Packed(None, t.dtype, tuple(src.shape), perm, t.device)
            stats.packed += 1
            stats.raw_bytes += t.numel() * t.element_size()
            if pool is not None:
                packed.version = t._version
                packed.source = weakref.ref(t)
                packed.job = pool.submit(code, flat.numpy(), which)
            else:
                packed.data, seconds = code(flat.numpy(), which)
                stats.pack_seconds += seconds
                stats.packed_bytes += len(packed.data)
            packed.seq = len(order)
            order.append(weakref.ref(packed))
            cache[id(t)] = (weakref.ref(t), t._version, weakref.ref(packed))
            return packed

        def settle(p):
            """Waits for p's background coding (if any) and checks its source was not changed."""
            if p.job is not None:
                t0 = time.perf_counter()
                p.data, seconds = p.job.result()
                stats.wait_seconds += time.perf_counter() - t0
                stats.pack_seconds += seconds
                stats.packed_bytes += len(p.data)
                p.job = None
                src = p.source() if p.source is not None else None
                if src is not None and src._version != p.version:
                    p.data = None
                p.source = None
            if p.data is None:
                raise RuntimeError("ebpc.torch.compressed_saved_tensors: a tensor saved for backward was modified by "
                                   "an inplace operation after it was saved, while it was coded in the background "
                                   "(pass background=False to code a snapshot at once)")

        def decode(p):
            t0 = time.perf_counter()
            arr = _ebpc.decompress(p.data, threads=threads)
            return arr, time.perf_counter() - t0

        def unpack(p):
            if not isinstance(p, _Packed):
                return p
            settle(p)
            arr = None
            if p.ahead is not None:
                t0 = time.perf_counter()
                arr, seconds = p.ahead.result()
                stats.wait_seconds += time.perf_counter() - t0
                stats.unpack_seconds += seconds
                stats.prefetched += 1
                p.ahead = None  # once: a second unpack decodes afresh
            if pool is not None and p.seq > 0:
                prev = order[p.seq - 1]()
                if prev is not None and prev.ahead is None:
                    try:
                        settle(prev)
                        prev.ahead = pool.submit(decode, prev)
                    except RuntimeError:
                        pass  # reported when prev itself is unpacked
            if arr is None:
                arr, seconds = decode(p)
                stats.unpack_seconds += seconds
            t = _torch.from_numpy(arr)
            if p.dtype == _torch.bool:
                t = t.view(_torch.bool)
            elif t.dtype != p.dtype:
                t = t.view(p.dtype)
            t = t.reshape(p.shape)
            if p.perm is not None:
                inv = [0] * len(p.perm)
                for i, d in enumerate(p.perm):
                    inv[d] = i
                t = t.permute(*inv)
            if p.device.type != "cpu":
                t = t.to(p.device)
            stats.unpacked += 1
            return t

        self._cache = cache
        self._order = order
        self._settle = settle
        return pack, unpack

    def __enter__(self) -> SavedTensorStats:
        # A context entered again starts a new pack order: no decode ahead across the two.
        self._order.append(lambda: None)
        super().__enter__()
        return self.stats

    def __exit__(self, *exc):
        super().__exit__(*exc)
        # The forward is over: finish the background codings now, so that packed_bytes and
        # pack_seconds are complete when the context is left. The worker stays for the
        # decodes ahead in backward; the graph's unpack hook holds it, so it ends with the graph.
        for ref in self._order:
            p = ref()
            if p is not None and p.job is not None:
                try:
                    self._settle(p)
                except Exception:  # a changed source, or the coder's error: raised again at unpack
                    pass
        self._cache.clear()
        return False


# --- the profiler ---------------------------------------------------------------------

_EVAL_CODECS = tuple(_ebpc._ebpc.eval_default_codecs.split(","))  # ebpc eval's default codecs


def _canonical(x: _torch.Tensor, storage: str) -> _np.ndarray:
    """A map as the dataset stores it: float16 (or float32) values, -0.0 written as +0.0."""
    x = x.detach().to(_torch.float32).cpu()
    x = x + 0.0  # -0.0 + +0.0 = +0.0 (round to nearest)
    a = x.numpy()
    if storage == "float16":
        a = a.astype(_np.float16)
        a[a == 0] = 0  # float16 underflow of small negatives gives -0.0
    return _np.ascontiguousarray(a)


def profile(model, inputs, *, formats=("fixed8", "fixed16", "float16"), gradients=True, loss_fn=None, codecs=None,
            out=None, images=None, storage="float16", block=8, max_zero_run=16, network="model", train=True):
    """The paper's study of ``model`` on a batch ``inputs`` (N images): forward hooks on
    every ReLU/ReLU6 output (activations) and tensor hooks on their inputs (gradients of the
    loss), in train mode as the paper did. Each image's map of each layer is stored as the
    dataset stores it (``storage``: float16, -0.0 as +0.0), quantised exactly as ``ebpc
    eval`` does (fixedN: scale 0.75 * (2^(N-1)-1) / max|x| over all images of the layer,
    truncated; float16/bfloat16 rounded to nearest even) and sized by every codec (whole
    map as one stream, exact bits).

    ``train=False`` runs in eval mode instead (batch norm with its moving statistics, no
    dropout), as tools/extract extracts activations. loss_fn(output) -> scalar (default:
    output.float().sum()). With ``out=DIR`` it writes
    DIR/manifest.json and DIR/{activations,gradients}/IMAGE/NN_LAYER.npy, the layout that
    ``ebpc eval DIR`` reads. Returns {"layers": [...], "total": [...]} with, per (kind,
    layer, format, codec), values, zero_values, uncompressed_bits, compressed_bits, ratio
    (totals: sums over layers and images; ratio = uncompressed / compressed bits).

    The model is left as it was: its mode, buffers (batch-norm statistics), the parameters'
    ``.grad`` and the CPU random state are restored after the run."""
    codecs = list(_EVAL_CODECS if codecs is None else codecs)
    formats = list(formats)
    acts: dict = {}
    grads: dict = {}
    names: list = []
    kinds: dict = {}
    handles = []
    for name, mod in model.named_modules():
        if isinstance(mod, (_torch.nn.ReLU, _torch.nn.ReLU6)):
            kinds[name] = "relu6" if isinstance(mod, _torch.nn.ReLU6) else "relu"

            def pre_hook(m, inp, name=name):
                # The gradient is taken at the layer's input as autograd sees it before the
                # layer runs. An in-place ReLU (inplace=True, or F.relu(x, inplace=True) in
                # a forward) would overwrite that tensor, and a hook on it would then see
                # the gradient of the output: the layer gets a copy instead.
                if gradients and inp and isinstance(inp[0], _torch.Tensor) and inp[0].requires_grad:
                    inp[0].register_hook(lambda g, name=name: grads.__setitem__(name, g.detach().clone()))
                    return (inp[0].clone(),) + tuple(inp[1:])
                return None

            def hook(m, inp, outp, name=name):
                if name not in acts:
                    names.append(name)
                acts[name] = outp.detach().clone()

            handles.append(mod.register_forward_pre_hook(pre_hook))
            handles.append(mod.register_forward_hook(hook))
    # What the run changes is put back afterwards: the mode, the buffers (batch norm's running
    # statistics move in train mode), the parameters' .grad, and the CPU random state
    # (dropout draws from it).
    was_training = model.training
    saved_buffers = [(b, b.detach().clone()) for b in model.buffers()]
    saved_grads = [(p, p.grad) for p in model.parameters()]
    rng = _torch.random.get_rng_state()
    model.train(train)
    try:
        with _torch.set_grad_enabled(gradients):
            output = model(inputs)
            if gradients:
                loss = loss_fn(output) if loss_fn is not None else output.float().sum()
                model.zero_grad(set_to_none=True)
                loss.backward()
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
        with _torch.no_grad():
            for b, v in saved_buffers:
                b.copy_(v)
        for p, g in saved_grads:
            p.grad = g
        _torch.random.set_rng_state(rng)
    if not names:
        raise Error("the model has no nn.ReLU / nn.ReLU6 module to hook")
    nimages = next(iter(acts.values())).shape[0]
    images = list(images) if images is not None else [f"image{i}" for i in range(nimages)]
    if len(images) != nimages:
        raise Error(f"{len(images)} image names for a batch of {nimages}")

    maps = {"activation": {n: _canonical(acts[n], storage) for n in names}}
    if gradients:
        missing = [n for n in names if n not in grads]
        if missing:
            raise Error(f"no gradient reached {missing[0]} (its input does not require grad)")
        maps["gradient"] = {n: _canonical(grads[n], storage) for n in names}

    rows = []
    totals: dict = {}
    src_dtype = "float16" if storage == "float16" else "float32"
    for kind, by_layer in maps.items():
        for li, name in enumerate(names):
            batch = by_layer[name]
            m = float(_ebpc._ebpc.max_abs(batch.reshape(-1), src_dtype))
            for fmt in formats:
                agg = {}
                for b in range(nimages):
                    q = quantise(batch[b], fmt, m)
                    width = _FORMAT_WIDTH[fmt]
                    sizes = _ebpc.measure(q, codecs, width=width, block=block, max_zero_run=max_zero_run)
                    for c, s in sizes.items():
                        a = agg.setdefault(c, [0, 0, 0, 0])
                        a[0] += s["values"]
                        a[1] += round(s["zero_fraction"] * s["values"])
                        a[2] += s["uncompressed_bits"]
                        a[3] += s["compressed_bits"]
                for c, a in agg.items():
                    rows.append(_row(kind=kind, layer=name, index=li, format=fmt, codec=c, a=a))
                    t = totals.setdefault((kind, fmt, c), [0, 0, 0, 0])
                    for i in range(4):
                        t[i] += a[i]
    total = [_row(kind=k, format=f, codec=c, a=a) for (k, f, c), a in totals.items()]
    if out is not None:
        _write_dataset(out, network, images, names, kinds, maps, storage)
    return {"layers": rows, "total": total, "images": images}


def _row(a, **kw):
    kw.update(values=a[0], zero_values=a[1], uncompressed_bits=a[2], compressed_bits=a[3],
              ratio=a[2] / a[3] if a[3] else 0.0)
    return kw


# ebpc eval's formats (src/eval/quantise.cpp): W and the storage type (bfloat16 bits as uint16).
_FORMATS = _ebpc._ebpc.formats()
_FORMAT_WIDTH = {k: w for k, (w, _) in _FORMATS.items()}
_FORMAT_STORAGE = {k: ("uint16" if st == "bfloat16" else st) for k, (_, st) in _FORMATS.items()}


def quantise(values, fmt: str, max_abs: float) -> _np.ndarray:
    """``ebpc eval``'s quantisation (src/eval/quantise.cpp) of float16/float32 values:
    int8 (fixed8), int16 (fixed12/16), float16, bfloat16 bits (as uint16), float32."""
    if fmt not in _FORMAT_STORAGE:
        raise Error(f"unknown number format '{fmt}' (fixed8, fixed12, fixed16, float16, bfloat16, float32)")
    v = _np.ascontiguousarray(values)
    if v.dtype not in (_np.float16, _np.float32):
        v = v.astype(_np.float32)
    out = _np.empty(v.shape, dtype=_FORMAT_STORAGE[fmt])
    _ebpc._ebpc.quantise(v.reshape(-1), v.dtype.name, fmt, float(max_abs), out.reshape(-1).view(_np.uint8))
    return out


def _write_dataset(out, network, images, names, kinds, maps, storage):
    os.makedirs(out, exist_ok=True)
    files = []
    for kind, by_layer in maps.items():
        sub = "activations" if kind == "activation" else "gradients"
        for b, image in enumerate(images):
            os.makedirs(os.path.join(out, sub, image), exist_ok=True)
            for li, name in enumerate(names):
                rel = f"{sub}/{image}/{li:02d}_{name.replace('.', '_')}.npy"
                a = by_layer[name][b]
                _np.save(os.path.join(out, rel), a)
                files.append({"kind": kind, "image": image, "layer": name, "path": rel, "shape": list(a.shape),
                              "dtype": str(a.dtype), "zero_fraction": float((a == 0).mean())})
    manifest = {
        "format": "ebpc-dataset-1",
        "network": network,
        "layout": "CHW",
        "dtype": storage,
        "zero_canonicalisation": "every stored zero is +0.0",
        "producer": "ebpc.torch.profile (train mode; activations: ReLU/ReLU6 outputs; gradients: d loss / d input "
                    "of each activation, one backward pass over the whole batch)",
        "images": [{"name": i} for i in images],
        "layers": [{"name": n, "index": i, "activation": kinds[n], "shape": list(maps["activation"][n].shape[1:])}
                   for i, n in enumerate(names)],
        "files": files,
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)


def __getattr__(name):
    if name == "models":
        from . import torch_models

        return torch_models
    raise AttributeError(f"module 'ebpc.torch' has no attribute '{name}'")
