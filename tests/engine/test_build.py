"""Model building: shape inference, heads, summaries, and friendly errors for nonsense stacks."""
import pytest
import torch

from engine.model.build import build_model, plan_model, summarize
from engine.spec.fields import SpecError
from engine.spec.layers import LAYER_KINDS, layers_from_text, make_layer
from engine.spec import ModelSpec


def net(text: str) -> ModelSpec:
    return ModelSpec(layers_from_text(text))


@pytest.mark.parametrize("text, shape", [
    ("dense:4:tanh,dense:2:tanh", (2,)),
    ("conv2d:4:3:1:1,maxpool2d:2:2,conv2d:8:3:1:0:gelu,avgpool2d:2:2,flatten,dropout:0.2,"
     "dense:16:relu,batchnorm,layernorm", (1, 28, 28)),
    ("conv2d:4,batchnorm,residual:8:relu,layernorm,flatten", (1, 8, 8)),
    ("lstm:16,self_attention:4,gru:8,rnn:8,dense:4,layernorm,batchnorm,residual:4", (20, 1)),
    ("dense:8:sine,residual:16:silu,activation:mish,dropout:0.5", (7,)),
])
def test_planned_shapes_and_params_match_the_real_model(text, shape):
    spec = net(text)
    model = build_model(spec, shape, 3)
    rows = summarize(model, shape)
    plan = model.plan
    assert [r.output_shape for r in rows] == [r.output_shape for r in plan]
    assert [r.params for r in rows] == [r.params for r in plan]
    out = model.eval()(torch.zeros(5, *shape))
    assert out.shape == (5, 3)


def test_every_kind_builds_somewhere():
    used = set()
    for text in ["conv2d,maxpool2d,avgpool2d,batchnorm,layernorm,residual,flatten,dense,dropout,"
                 "activation", "rnn,lstm,gru,self_attention",
                 "embedding,positional,transformer,last_step"]:
        spec = net(text)
        shape = (1, 12, 12) if text.startswith("conv") else (6, 2)
        build_model(spec, shape, 2, tokens=text.startswith("embedding"))
        used |= {layer.kind for layer in spec.layers}
    assert used == set(LAYER_KINDS)


def test_regression_and_tfp_heads():
    reg = build_model(net("dense:4"), (2,), 1)
    assert reg(torch.randn(3, 2)).shape == (3, 1)
    tfp = build_model(net("dense:4"), (2,), 1, head_activation="tanh")
    assert tfp(torch.randn(50, 2) * 100).abs().max() <= 1


@pytest.mark.parametrize("text, shape, message", [
    ("flatten,conv2d:4", (1, 8, 8), r"Layer L2 \(conv2d\) needs image input.*vector of 64.*before Flatten"),
    ("conv2d:4:3:1:0,maxpool2d:9:1", (1, 8, 8), r"Layer L2 \(maxpool2d\).*9×9 window.*only 6×6"),
    ("lstm:8", (2,), r"Layer L1 \(lstm\) needs a sequence.*vector of 2"),
    ("dense:8", (1, 8, 8), r"Layer L1 \(dense\) needs a vector.*Flatten"),
    ("self_attention:3", (20, 4), r"3 heads must divide the 4 features"),
    ("dense:1024,dense:1024,dense:1024", (2,), r"parameters; this server allows 2,000,000.*L2"),
    ("conv2d:4", (2,), r"needs image input"),
])
def test_nonsense_stacks_name_the_layer_and_the_fix(text, shape, message):
    with pytest.raises(SpecError, match=message):
        plan_model(net(text), shape, 2)


def test_zero_units_is_refused_before_building():
    with pytest.raises(SpecError, match=r"units must be a whole number from 1"):
        make_layer("dense", units=0)


def test_param_limit_is_checked_without_allocating():
    spec = net(",".join(["dense:1024"] * 32))
    with pytest.raises(SpecError, match="parameters"):
        build_model(spec, (2,), 2)   # would be ~33M parameters; must fail fast
