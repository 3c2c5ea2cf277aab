"""Training memory and time of the converted MobileNetV2 (nsfwjs's real weights, train
mode) with and without ebpc.torch.compressed_saved_tensors, and torch's save_on_cpu as
the reference; gradients compared bitwise.

Each mode runs in its own process (peak RSS is per process): one warm-up step, then STEPS
timed steps of forward + cross-entropy + backward on the same batch. The batch: the photo
tests/extract/rocket.jpg (the one photo the repository ships; decoded by jpeg-js as
tools/extract does) and views of it: its mirror image and crops (resized to 224x224 as
nsfwjs does), BATCH images in all. Labels: the network's own top-1 class per image.

Usage: PYTHONPATH=build/release/python /usr/bin/python3 python/bench/train_memory.py [BATCH] [STEPS] [THREADS]
(needs tools/extract/node_modules: npm ci --prefix tools/extract)
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

# ebpc: compressed_saved_tensors() as it comes (policy="auto": only what pays, the fastest
# codec within 10% of the smallest); ebpc-all: policy="all" (every packable tensor coded by
# EBPC); zvc:
# compressed_saved_tensors("zvc", policy="all", background=False).
MODES = ("plain", "ebpc", "ebpc-all", "zvc", "save_on_cpu")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def batch_of(models, work, n):
    import torch
    import torch.nn.functional as F

    rgb = models.load_rgb(os.path.join(work, "rocket"))
    views = [rgb, rgb.flip(1)]
    h, w = rgb.shape[0], rgb.shape[1]
    k = 0
    while len(views) < n:
        # Crops of 3/4 of each side at a grid of offsets (and their mirrors).
        fy, fx = [(0, 0), (1, 1), (0, 1), (1, 0), (0.5, 0.5)][k % 5]
        ch, cw = 3 * h // 4, 3 * w // 4
        y0, x0 = int(fy * (h - ch)), int(fx * (w - cw))
        c = rgb[y0:y0 + ch, x0:x0 + cw]
        views.append(c if (k // 5) % 2 == 0 else c.flip(1))
        k += 1
    return torch.cat([models.preprocess_nsfwjs(v.contiguous()) for v in views[:n]])


def _rss_now_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def child(mode, work, n, steps, threads, grads_out):
    import torch

    torch.set_num_threads(threads)
    import ebpc.torch as et

    model = et.models.load_tfjs(work)
    x = batch_of(et.models, work, n)
    model.eval()
    with torch.no_grad():
        labels = model(x).argmax(1)
    model.train()
    state = {k: v.clone() for k, v in model.state_dict().items()}
    rss_base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, fwd_times, rss_fwd, stats = [], [], [], None
    rss_now_base = _rss_now_kb()
    for step in range(steps + 1):
        model.load_state_dict(state)  # same BN running statistics every step
        model.zero_grad(set_to_none=True)
        torch.manual_seed(1)  # the same dropout masks in every mode
        t0 = time.perf_counter()
        if mode == "plain":
            loss = torch.nn.functional.cross_entropy(model(x), labels)
        elif mode in ("ebpc", "ebpc-all", "zvc"):
            kw = {} if mode == "ebpc" else {"policy": "all", "background": False}
            with et.compressed_saved_tensors("zvc" if mode == "zvc" else "ebpc", threads=threads, **kw) as stats:
                loss = torch.nn.functional.cross_entropy(model(x), labels)
        elif mode == "save_on_cpu":
            with torch.autograd.graph.save_on_cpu():
                loss = torch.nn.functional.cross_entropy(model(x), labels)
        t_fwd = time.perf_counter() - t0
        rss_fwd.append(_rss_now_kb())  # what the graph holds for backward, plus the rest
        loss.backward()
        if step > 0:
            times.append(time.perf_counter() - t0)
            fwd_times.append(t_fwd)
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    torch.save({k: p.grad for k, p in model.named_parameters()}, grads_out)
    out = {"mode": mode, "seconds_per_step": statistics.median(times), "forward_seconds": statistics.median(fwd_times),
           "rss_after_forward_kb": max(rss_fwd[1:]), "rss_before_kb": rss_now_base, "peak_rss_kb": rss_peak,
           "rss_before_first_step_kb": rss_base, "loss": float(loss)}
    if stats is not None:
        out.update(raw_bytes=stats.raw_bytes, packed_bytes=stats.packed_bytes, skipped_bytes=stats.skipped_bytes,
                   packed=stats.packed, skipped=stats.skipped, deduplicated=stats.deduplicated,
                   pack_seconds=stats.pack_seconds, unpack_seconds=stats.unpack_seconds, left=stats.left,
                   codecs=stats.codecs, saved_fraction=stats.saved_fraction)
    print(json.dumps(out))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    import torch

    import ebpc.torch as et

    work = tempfile.mkdtemp(prefix="ebpc-train-")
    et.models.export_nsfwjs("mobilenet_v2", work, [os.path.join(ROOT, "tests", "extract", "rocket.jpg")],
                            node_modules=os.path.join(ROOT, "tools", "extract", "node_modules"))
    results = {}
    # A fixed mmap threshold: every large buffer freed goes back to the system at once in
    # every mode (glibc's dynamic threshold otherwise keeps freed blocks in the heap, and
    # peak RSS then depends on the order of allocations more than on what is live).
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="131072")
    for mode in MODES:
        g = os.path.join(work, f"grads-{mode}.pt")
        r = subprocess.run([sys.executable, __file__, "--child", mode, work, str(n), str(steps), str(threads), g],
                           check=True, capture_output=True, text=True, env=env)
        results[mode] = json.loads(r.stdout.strip().splitlines()[-1])
        results[mode]["grads"] = g
    ref = torch.load(results["plain"]["grads"])
    for mode in MODES[1:]:
        other = torch.load(results[mode]["grads"])
        results[mode]["gradients_bitwise_equal"] = all(
            torch.equal(ref[k].view(torch.int32), other[k].view(torch.int32)) for k in ref)
    print(f"MobileNetV2 (nsfwjs weights, converted), train mode, batch {n}, {threads} threads, median of {steps} steps")
    print("| mode | saved for backward (coded) | RSS after forward (over before) | peak RSS | time/step (forward) | gradients |")
    print("|---|---|---|---|---|---|")
    for mode, r in results.items():
        saved = (f"{r['raw_bytes'] / 2**20:.1f} MiB -> {r['packed_bytes'] / 2**20:.1f} MiB "
                 f"(x{r['raw_bytes'] / r['packed_bytes']:.2f})") if "raw_bytes" in r else "-"
        gb = "reference" if mode == "plain" else ("bitwise equal" if r["gradients_bitwise_equal"] else "DIFFER")
        print(f"| {mode} | {saved} | {r['rss_after_forward_kb'] / 1024:.0f} MiB "
              f"(+{(r['rss_after_forward_kb'] - r['rss_before_kb']) / 1024:.0f}) | {r['peak_rss_kb'] / 1024:.0f} MiB "
              f"| {r['seconds_per_step']:.2f} s ({r['forward_seconds']:.2f} s) | {gb} |")
    for name in ("ebpc", "ebpc-all"):
        e = results[name]
        print(f"{name}: {e['packed']} tensors coded ({e['codecs']}), {e['deduplicated']} saves deduplicated, "
              f"{e['skipped']} left alone ({e['skipped_bytes'] / 2**20:.1f} MiB: {e['left']}), held for backward "
              f"{e['saved_fraction']:.3f} of plain, pack {e['pack_seconds']:.2f} s, unpack {e['unpack_seconds']:.2f} s "
              f"per step; time/step {e['seconds_per_step'] / results['plain']['seconds_per_step']:.2f}x plain")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
