import csv
import gc
import subprocess
import weakref

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import ebpc
import ebpc.torch as et


@pytest.mark.parametrize("dtype", [torch.int8, torch.uint8, torch.int16, torch.int32, torch.float16, torch.bfloat16,
                                   torch.float32])
def test_tensor_round_trip(dtype):
    g = torch.Generator().manual_seed(0)
    t = torch.relu(torch.randn(3, 5, 7, generator=g) * 50).to(dtype)
    r = et.decompress(et.compress(t))
    assert r.dtype == t.dtype and r.shape == t.shape and r.stride() == t.stride()
    assert torch.equal(r, t)


def test_bfloat16_through_numpy_api():
    t = torch.randn(100).to(torch.bfloat16)
    b = ebpc.compress(t)
    assert ebpc.header(b)["dtype"] == "bfloat16"
    r = ebpc.decompress(b)
    assert r.dtype == torch.bfloat16 and torch.equal(r.view(torch.int16), t.view(torch.int16))
    out = torch.empty_like(t)
    assert ebpc.decompress(b, out=out) is out and torch.equal(out, t)


def test_transposed_strides_kept():
    t = torch.arange(60, dtype=torch.float32).reshape(3, 4, 5).permute(2, 1, 0)
    r = et.decompress(et.compress(t))
    assert r.stride() == t.stride() and torch.equal(r, t)
    with pytest.raises(ebpc.Error):
        et.compress(torch.zeros(3, dtype=torch.float64))


def small_net():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.BatchNorm2d(16), torch.nn.ReLU6(),
        torch.nn.Conv2d(16, 16, 3, padding=1, groups=16), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(16 * 16 * 16, 10))


def grads_of(model, x, ctx=None, **kw):
    model.zero_grad(set_to_none=True)
    stats = None
    if ctx:
        with et.compressed_saved_tensors(**kw) as stats:
            loss = torch.nn.functional.cross_entropy(model(x), torch.arange(x.shape[0]) % 10)
    else:
        loss = torch.nn.functional.cross_entropy(model(x), torch.arange(x.shape[0]) % 10)
    loss.backward()
    return [p.grad.clone() for p in model.parameters()], stats


def bitwise_equal(a, b):
    return all(x.dtype == y.dtype and torch.equal(x.view(torch.int32) if x.dtype == torch.float32 else x,
                                                  y.view(torch.int32) if y.dtype == torch.float32 else y)
               for x, y in zip(a, b))


@pytest.mark.parametrize("memory_format", [torch.contiguous_format, torch.channels_last])
def test_gradients_bitwise_identical(memory_format):
    m = small_net().train().to(memory_format=memory_format)
    x = torch.rand(4, 3, 32, 32).to(memory_format=memory_format)
    ref, _ = grads_of(m, x)
    got, stats = grads_of(m, x, ctx=True)
    assert bitwise_equal(ref, got)
    assert stats.packed >= 5 and stats.unpacked >= stats.packed
    assert 0 < stats.packed_bytes < stats.raw_bytes
    assert stats.pack_seconds > 0 and stats.unpack_seconds > 0


def test_parameters_and_tiny_tensors_left_alone():
    seen = []
    w = torch.nn.Parameter(torch.randn(64, 64))
    x = torch.randn(8, 64)
    big = torch.randn(128, 128, requires_grad=True)
    with et.compressed_saved_tensors(min_numel=1000) as stats:
        y = (x @ w).sum() + (big.sin() * 2).sum()  # mm saves x (512 < 1000) and w; sin saves big (a leaf)
        z = torch.randn(40, 40, requires_grad=True) * 1.0
        u = (z.exp()).sum()  # exp saves its result (1600 elements): packed
    (y + u).backward()
    assert stats.packed == 1 and stats.raw_bytes == 1600 * 4
    assert stats.skipped >= 3


def test_same_tensor_coded_once():
    a = torch.randn(100, 100, requires_grad=True)
    with et.compressed_saved_tensors() as stats:
        b = a * 2
        c = b * b  # saves b twice
    c.sum().backward()
    assert stats.packed == 1 and stats.deduplicated == 1
    assert torch.equal(a.grad, 8 * a.detach())


def test_snapshot_survives_in_place_change():
    a = torch.randn(100, 100, requires_grad=True)
    with et.compressed_saved_tensors() as stats:
        b = a * 2
        c = (b * b).sum()
    ref = (8 * a.detach()).clone()
    with torch.no_grad():
        b.add_(100.0)  # after saving: must not reach the gradient
    c.backward()
    assert stats.packed == 1
    assert torch.equal(a.grad, ref)


def test_changed_tensor_is_coded_again():
    a = torch.randn(100, 100)
    b = torch.randn(100, 100, requires_grad=True)
    with et.compressed_saved_tensors(background=False) as stats:
        y1 = (a * b).sum()  # saves a
        a.mul_(3)           # new version: the next save must see the new values
        y2 = (a * b).sum()
    (y1 + y2).backward()
    assert stats.packed == 2 and stats.deduplicated == 0
    assert torch.allclose(b.grad, a / 3 + a)


def test_in_place_change_inside_context_with_background_raises():
    # In the background the saved tensor is read after pack returns: a change before the
    # context is left is an error at unpack (as plain PyTorch reports it), never a silent mix.
    a = torch.randn(100, 100)
    b = torch.randn(100, 100, requires_grad=True)
    with et.compressed_saved_tensors(background=True) as stats:
        y1 = (a * b).sum()  # saves a
        a.mul_(3)
    with pytest.raises(RuntimeError, match="inplace"):
        y1.backward()
    assert stats.packed == 1
    # Without the hooks PyTorch refuses the same program.
    a = torch.randn(100, 100)
    y1 = (a * b).sum()
    a.mul_(3)
    with pytest.raises(RuntimeError, match="inplace"):
        y1.backward()


def _conv_bn_relu():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
        torch.nn.Conv2d(16, 16, 3, padding=1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(16 * 32 * 32, 10)).train()


@pytest.mark.parametrize("background", [False, True])
def test_policy_leaves_dense_tensors_alone(background):
    # policy="auto": the ReLU outputs (half zeros) are coded, the dense batch-norm inputs
    # (conv outputs, float32) are not: their sample saves under min_saving. Gradients stay
    # bitwise equal, and the stats say what was left and why.
    m = _conv_bn_relu()
    x = torch.randn(4, 3, 32, 32)
    ref, _ = grads_of(m, x)
    got, auto = grads_of(m, x, ctx=True, background=background)
    assert bitwise_equal(ref, got)
    _, every = grads_of(m, x, ctx=True, policy="all", background=background)
    assert auto.left.get("does not pay", 0) >= 2 and auto.left_bytes["does not pay"] > 0
    assert every.left.get("does not pay", 0) == 0
    assert auto.packed >= 2 and auto.packed < every.packed
    assert auto.ratio > every.ratio > 1.0  # what is coded pays more on average
    assert auto.skipped == sum(auto.left.values()) and auto.skipped_bytes == sum(auto.left_bytes.values())
    assert 0 < auto.saved_fraction < 1.0
    if background:
        assert auto.prefetched >= 1 and auto.unpacked >= auto.packed


def test_policy_arguments():
    with pytest.raises(ebpc.Error, match="policy"):
        et.compressed_saved_tensors(policy="some")
    with pytest.raises(ebpc.Error, match="min_saving"):
        et.compressed_saved_tensors(min_saving=1.5)


def test_profile_leaves_the_model_as_it_was():
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
                            torch.nn.Dropout(0.5), torch.nn.Flatten(), torch.nn.Linear(8 * 16 * 16, 4)).eval()
    x = torch.rand(2, 3, 16, 16)
    m(x).sum().backward()  # the caller's own gradients
    before = {k: v.clone() for k, v in m.state_dict().items()}
    grads = [p.grad.clone() for p in m.parameters()]
    grad_objects = [p.grad for p in m.parameters()]
    rng = torch.random.get_rng_state()
    et.profile(m, x, formats=("fixed8",), codecs=["ebpc"])  # train mode: BN statistics move, dropout draws
    assert not m.training
    after = m.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert all(p.grad is g and torch.equal(p.grad, c) for p, g, c in zip(m.parameters(), grad_objects, grads))
    assert torch.equal(torch.random.get_rng_state(), rng)


def test_unpack_twice_retain_graph():
    m = small_net().train()
    x = torch.rand(2, 3, 32, 32)
    ref, _ = grads_of(m, x)
    m.zero_grad(set_to_none=True)
    with et.compressed_saved_tensors() as stats:
        loss = torch.nn.functional.cross_entropy(m(x), torch.arange(2) % 10)
    loss.backward(retain_graph=True)
    first = [p.grad.clone() for p in m.parameters()]
    m.zero_grad(set_to_none=True)
    loss.backward()
    assert bitwise_equal(ref, first) and bitwise_equal(ref, [p.grad for p in m.parameters()])
    assert stats.unpacked >= 2 * stats.packed


@pytest.mark.parametrize("background", [False, True])
def test_no_reference_cycles(background):
    gc.collect()
    gc.disable()
    try:
        a = torch.randn(200, 200, requires_grad=True)
        with et.compressed_saved_tensors(policy="all", background=background) as stats:  # tanh's output is dense
            h = torch.tanh(a * 3)
            y = (h * h).sum()
        ref = weakref.ref(h)
        del h
        y.backward()
        del y
        assert ref() is None  # freed by reference counting alone
        assert stats.packed >= 1
        p = et._Packed(b"", torch.float32, (1,), None, torch.device("cpu"))
        assert not hasattr(p, "__dict__")  # bytes and metadata slots only
    finally:
        gc.enable()


def test_double_backward():
    torch.manual_seed(1)
    x0 = torch.randn(64, 64)

    def second(ctx):
        x = x0.clone().requires_grad_()
        if ctx:
            with et.compressed_saved_tensors(min_numel=1):
                y = (torch.tanh(x) * torch.sigmoid(x)).sum()
                (g,) = torch.autograd.grad(y, x, create_graph=True)
                z = (g * g).sum()
        else:
            y = (torch.tanh(x) * torch.sigmoid(x)).sum()
            (g,) = torch.autograd.grad(y, x, create_graph=True)
            z = (g * g).sum()
        z.backward()
        return x.grad

    assert torch.equal(second(False).view(torch.int32), second(True).view(torch.int32))


def test_stats_add_up():
    a = torch.randn(50, 60, requires_grad=True)
    with et.compressed_saved_tensors(min_numel=1000) as stats:
        b = torch.relu(a * 1.0)         # relu saves its result: 3000 floats
        c = torch.exp(b.bfloat16())     # exp saves its result: 3000 bfloat16
        d = c.float().sum()
    d.backward()
    assert stats.packed == 2
    assert stats.raw_bytes == 3000 * 4 + 3000 * 2
    assert stats.packed_bytes > 0 and stats.ratio == stats.raw_bytes / stats.packed_bytes


def test_profile_matches_ebpc_eval(cli, tmp_path):
    m = small_net()
    x = torch.rand(3, 3, 32, 32)
    r = et.profile(m, x, formats=("fixed8", "fixed16", "float16"), out=tmp_path / "ds", images=["a", "b", "c"])
    assert {row["layer"] for row in r["layers"]} == {"2", "5"}
    cli("eval", tmp_path / "ds", "--out", tmp_path / "res", "--formats", "fixed8,fixed16,float16", "--no-plots", "-q",
        "--threads", "1")
    sums = {}
    with open(tmp_path / "res" / "results.csv") as f:
        for row in csv.DictReader(f):
            k = (row["kind"], row["format"], row["codec"])
            s = sums.setdefault(k, [0, 0])
            s[0] += int(row["uncompressed_bits"])
            s[1] += int(row["compressed_bits"])
    assert len(sums) == len(r["total"]) == 2 * 3 * len(et._EVAL_CODECS)  # kinds x formats x ebpc eval's codecs
    for t in r["total"]:
        assert sums[(t["kind"], t["format"], t["codec"])] == [t["uncompressed_bits"], t["compressed_bits"]]


def test_quantise_is_evals():
    v = np.array([0.0, 1.0, -1.0, 0.5, 0.3333, -0.75], np.float32)
    q = et.quantise(v, "fixed8", 1.0)
    assert q.dtype == np.int8 and q.tolist() == [0, 95, -95, 47, 31, -71]  # trunc(x * 0.75 * 127)
    with pytest.raises(ebpc.Error, match="non-finite"):
        et.quantise(np.array([np.inf], np.float32), "fixed8", 1.0)


def test_is_a_saved_tensors_hooks_and_can_be_entered_again():
    # Written the way torch.autograd.graph.save_on_cpu is: a saved_tensors_hooks subclass.
    cm = et.compressed_saved_tensors(policy="all")
    assert isinstance(cm, torch.autograd.graph.saved_tensors_hooks)
    torch.manual_seed(3)
    a = torch.randn(128, 128, requires_grad=True)
    grads = []
    for _ in range(2):  # the same object, two forwards and backwards
        with cm as stats:
            y = (torch.relu(a * 2) ** 2).sum()
        y.backward()
        grads.append(a.grad.clone())
        a.grad = None
    ref = (torch.relu(a * 2) ** 2).sum()
    ref.backward()
    assert torch.equal(grads[0], a.grad) and torch.equal(grads[1], a.grad)
    assert stats is cm.stats and stats.packed >= 2 and stats.unpacked >= 2
