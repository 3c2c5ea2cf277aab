"""Time and saved-tensor memory of a float32 conv/BN/ReLU training step with and without
ebpc.torch.compressed_saved_tensors, at 1 and 2 intra-op threads.

The network is built here: conv 3x3 32->32, BN, ReLU, conv 3x3 stride 2 32->64, BN, ReLU,
conv 3x3 64->64, BN, ReLU, global average pool, linear 64->10, in train mode, from PyTorch's
default initialisation with seed 0 (where every training run starts). The input is real:
the shipped MobileNetV2 map data/fmaps-sample/mobilenet_v2-kite/Conv1_relu.fixed8.npy (32 x
112 x 112, a ReLU output: 39% zeros) as float32, with its three mirror images, batch 4.

Modes: plain; "auto, bg" (policy="auto", background=True); "auto" (the defaults:
policy="auto", background=False); "all" (policy="all": every packable tensor coded by
EBPC on the autograd thread, the behaviour before the policy). Each: one warm-up step, then the
median of STEPS steps of forward + cross-entropy + backward; gradients compared bitwise with
plain. "held" is the bytes held for backward over a plain run's (parameters excluded). The
bound: every saved tensor coded by the best of ebpc, zstd -1 and zstd -19 (lossless codecs
we have; no lossless coder is known to do better on these bit patterns).

Usage: PYTHONPATH=build/release/python /usr/bin/python3 python/bench/train_step.py [STEPS]
"""
import os
import statistics
import sys
import time

import numpy as np
import torch

import ebpc
import ebpc.torch as et

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODES = (("plain", None), ("auto, bg", {"background": True}), ("auto", {}), ("all", {"policy": "all"}))


def network():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(32, 32, 3, padding=1), torch.nn.BatchNorm2d(32), torch.nn.ReLU(),
        torch.nn.Conv2d(32, 64, 3, stride=2, padding=1), torch.nn.BatchNorm2d(64), torch.nn.ReLU(),
        torch.nn.Conv2d(64, 64, 3, padding=1), torch.nn.BatchNorm2d(64), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(64, 10)).train()


def batch():
    a = np.load(os.path.join(ROOT, "data", "fmaps-sample", "mobilenet_v2-kite", "Conv1_relu.fixed8.npy"))
    x = torch.from_numpy(a.astype(np.float32) / 127.0)
    return torch.stack([x, x.flip(1), x.flip(2), x.flip(1).flip(2)]).contiguous()


def step(model, x, labels, kw):
    state = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(state)
    model.zero_grad(set_to_none=True)
    stats = None
    t0 = time.perf_counter()
    if kw is None:
        loss = torch.nn.functional.cross_entropy(model(x), labels)
    else:
        with et.compressed_saved_tensors(**kw) as stats:
            loss = torch.nn.functional.cross_entropy(model(x), labels)
    loss.backward()
    return time.perf_counter() - t0, [p.grad.clone() for p in model.parameters()], stats


def bound(model, x, labels):
    """Bytes of every saved non-parameter tensor coded by the best of our lossless codecs,
    over their raw bytes (one forward, the tensors as autograd saves them)."""
    raw = best = 0
    seen = set()

    def pack(t):
        nonlocal raw, best
        if isinstance(t, torch.nn.Parameter) or (t.is_leaf and t.requires_grad) or id(t) in seen:
            return t
        seen.add(id(t))
        flat = t.detach().contiguous().reshape(-1)
        if flat.dtype != torch.float32 or flat.numel() < 4096:
            return t
        words = flat.view(torch.int32).numpy()
        sizes = [len(ebpc.compress(words, "ebpc")), len(ebpc.compress(words, "zstd", level=1)),
                 len(ebpc.compress(words, "zstd", level=19))]
        raw += words.nbytes
        best += min(min(sizes), words.nbytes)
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        torch.nn.functional.cross_entropy(model(x), labels)
    return best / raw


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    x = batch()
    labels = torch.arange(x.shape[0]) % 10
    model = network()
    print(f"float32 conv/BN/ReLU, batch {tuple(x.shape)}, median of {steps} steps (after one warm-up)")
    print(f"bound (best of ebpc / zstd -1 / zstd -19 per saved tensor): held {bound(model, x, labels):.3f} of plain")
    print("| threads | mode | time/step | vs plain | held for backward | coded | left alone (why) | gradients |")
    print("|---|---|---|---|---|---|---|---|")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        ref = None
        plain_t = None
        for name, kw in MODES:
            if kw is not None:
                kw = dict(kw, threads=1)
            times, stats = [], None
            for i in range(steps + 1):
                t, grads, stats = step(model, x, labels, kw)
                if i > 0:
                    times.append(t)
            med = statistics.median(times)
            if kw is None:
                ref, plain_t = grads, med
                print(f"| {threads} | plain | {med * 1e3:.0f} ms | 1.00x | 1.000 | - | - | reference |")
                continue
            same = all(torch.equal(a.view(torch.int32), b.view(torch.int32)) for a, b in zip(ref, grads))
            used = ", ".join(f"{k} {v}" for k, v in sorted(stats.codecs.items()))
            left = ", ".join(f"{k} {v}" for k, v in sorted(stats.left.items()))
            print(f"| {threads} | {name} | {med * 1e3:.0f} ms | {med / plain_t:.2f}x | {stats.saved_fraction:.3f} "
                  f"| {stats.packed} (x{stats.ratio:.2f}; {used}) | {left} | {'bitwise equal' if same else 'DIFFER'} |")


if __name__ == "__main__":
    main()
