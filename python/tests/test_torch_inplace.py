"""ebpc.torch.profile on in-place ReLUs: the same maps (zero counts and sizes) as the
out-of-place form, gradients included (the gradient is the loss's at the layer's input,
which an in-place op overwrites)."""
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

import ebpc.torch as et  # noqa: E402


class FRelu(torch.nn.ReLU):
    """A ReLU module whose forward calls F.relu(inplace=...) itself."""

    def __init__(self, inplace):
        super().__init__()
        self.f_inplace = inplace

    def forward(self, x):
        return F.relu(x, inplace=self.f_inplace)


def _net(act):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), act(),
                               torch.nn.Conv2d(8, 8, 3, padding=1), act(), torch.nn.Flatten(),
                               torch.nn.Linear(8 * 8 * 8, 4))


ACTS = {
    "ReLU": lambda inplace: (lambda: torch.nn.ReLU(inplace=inplace)),
    "ReLU6": lambda inplace: (lambda: torch.nn.ReLU6(inplace=inplace)),
    "F.relu": lambda inplace: (lambda: FRelu(inplace)),
}


def _profile(kind, inplace):
    torch.manual_seed(1)
    x = torch.randn(2, 3, 8, 8) * 4  # large values: ReLU6 clips some
    return et.profile(_net(ACTS[kind](inplace)), x, formats=("fixed8", "float16"), codecs=["ebpc", "zvc"])


def _key(r):
    return (r["kind"], r["layer"], r["format"], r["codec"])


@pytest.mark.parametrize("kind", sorted(ACTS))
def test_inplace_profiles_like_out_of_place(kind):
    ref = {_key(r): r for r in _profile(kind, False)["layers"]}
    got = {_key(r): r for r in _profile(kind, True)["layers"]}
    assert got.keys() == ref.keys()
    assert any(k[0] == "gradient" for k in ref)
    for k, r in ref.items():
        for field in ("values", "zero_values", "compressed_bits"):
            assert got[k][field] == r[field], (k, field, got[k][field], r[field])
    # the gradient at a ReLU's input is zero wherever the ReLU was off
    assert all(r["zero_values"] > 0 for k, r in got.items() if k[0] == "gradient")
