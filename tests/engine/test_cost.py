"""The shape plan's cost estimate: close to what torch really does, and a wall for bombs.

A link can ask for any network inside the parameter limit; these tests check that the
estimate tracks torch's own counts (so the limit means what it says), that the issue's bombs
are refused with the layer to shrink, and that everything the labs offer still fits.
"""
import dataclasses

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from engine.model.build import build_model, plan_model, stack_text_problems
from engine.model.cost import step_cost
from engine.spec import ModelSpec
from engine.spec.experiment import Experiment
from engine.spec.fields import SpecError
from engine.spec.layers import layers_from_text
from engine.spec.limits import LIMITS
from engine.spec.presets import IMAGE_PRESETS, IMAGE_SETS, IMAGE_SHAPES, preset_experiment
from engine.train.trainer import Trainer

NETS = [
    ("dense:64:tanh,dense:32:relu", (7,)),
    ("conv2d:16:3:1:1:relu,maxpool2d:2:2,conv2d:32:3:1:1:relu,flatten,dense:32:relu", (1, 28, 28)),
    ("conv2d:8:5:2:0:relu,residual:16:relu,flatten", (3, 32, 32)),
    ("lstm:32,self_attention:4,dense:8", (20, 4)),
]


def net(text: str) -> ModelSpec:
    return ModelSpec(layers_from_text(text))


@pytest.mark.parametrize("text, shape", NETS[:3] + [("dense:16:relu,dense:8", (20, 4))])
def test_multiply_adds_track_torchs_flop_counter(text, shape):
    """(The flop counter does not see inside torch's fused recurrent and attention kernels.)"""
    rows = plan_model(net(text), shape, 3)
    model = build_model(net(text), shape, 3).eval()
    with FlopCounterMode(display=False) as counter:
        model(torch.zeros(8, *shape))
    torch_macs = counter.get_total_flops() / 2          # torch counts a multiply-add as 2 flops
    estimate = step_cost(rows, 8).macs
    assert 0.7 * torch_macs <= estimate <= 1.5 * torch_macs


@pytest.mark.parametrize("text, shape", NETS)
def test_activation_memory_tracks_the_tensors_autograd_saves(text, shape):
    """The estimate is within a factor of two of the bytes autograd keeps for backward."""
    batch = 512                                         # above the probe size, so batch counts
    model = build_model(net(text), shape, 3).train()
    saved: dict[int, int] = {}

    def pack(t):
        storage = t.untyped_storage()
        saved[storage.data_ptr()] = storage.nbytes()
        return t

    x = torch.zeros(batch, *shape)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(x).sum()
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    real = sum(n for ptr, n in saved.items()
               if ptr not in params and ptr != x.untyped_storage().data_ptr())
    estimate = step_cost(plan_model(net(text), shape, 3), batch).memory
    assert 0.5 * real <= estimate <= 2.0 * real


def test_the_wide_conv_bomb_from_a_link_is_refused_with_the_layer_to_shrink():
    """Issue #10: two 256-channel convs on 28×28 (within the parameter limit) took 4.6 GB."""
    spec = net("conv2d:256:3:1:1:relu,conv2d:256:3:1:1:relu,maxpool2d:4:4,flatten")
    assert plan_model(spec, (1, 28, 28), 10)            # the shapes and parameters are fine ...
    with pytest.raises(SpecError, match=r"L2 \(conv2d 256.*fewer channels"):
        plan_model(spec, (1, 28, 28), 10, batch_size=32)    # ... the cost is not


def test_memory_alone_is_bounded_too():
    """Cheap but wide: many element-wise layers on 32 feature maps, few multiply-adds."""
    spec = net("conv2d:32:1:1:0:relu," + "batchnorm,dropout:0.1," * 5 + "maxpool2d:4:4,flatten")
    assert step_cost(plan_model(spec, (1, 28, 28), 10), 256).macs < LIMITS["step_macs"][1]
    with pytest.raises(SpecError, match="MB per session"):
        plan_model(spec, (1, 28, 28), 10, batch_size=256)


def test_a_batch_of_one_does_not_let_a_heavy_network_through():
    """Corpus find: nine 32-channel 11×11 convs cost ~780 million multiply-adds per example,
    under the batch bound at batch 1, yet every epoch's scoring and every probe push hundreds
    of examples through them: 80 s to the first frame, and every other session starved."""
    spec = net(",".join(["conv2d:32:11:1:5:relu"] * 9) + ",flatten")
    refusal = r"One example costs (?s:.)* whatever the batch size(?s:.)* L\d"
    with pytest.raises(SpecError, match=refusal):
        plan_model(spec, (1, 28, 28), 10, batch_size=1)
    light = net("conv2d:8:3:1:1:relu,maxpool2d,flatten")
    assert step_cost(plan_model(light, (1, 28, 28), 10, batch_size=1), 1).example_macs > 0


def test_a_batch_too_large_for_the_network_is_refused_and_a_smaller_one_is_not():
    spec = net("conv2d:32:3:1:1:relu,maxpool2d,conv2d:64:3:1:1:relu,maxpool2d,flatten,"
               "dense:128:relu")
    with pytest.raises(SpecError, match="smaller batch size"):
        plan_model(spec, (1, 28, 28), 10, batch_size=1024)
    plan_model(spec, (1, 28, 28), 10, batch_size=64)


@pytest.mark.parametrize("dataset", IMAGE_SETS)
@pytest.mark.parametrize("preset", list(IMAGE_PRESETS))
def test_every_preset_fits_at_the_largest_batch_the_image_lab_offers(preset, dataset):
    exp = preset_experiment(preset, dataset)
    plan_model(exp.model, IMAGE_SHAPES[dataset], 10, batch_size=256)


def test_the_widest_2d_network_the_sidebar_offers_fits_at_any_batch_size():
    spec = net(",".join(["dense:256:tanh"] * 8))
    plan_model(spec, (7,), 2, batch_size=LIMITS["batch_size"][1])


def test_the_compact_form_reports_the_cost_problem():
    problems = stack_text_problems("conv2d:256:3:1:1,conv2d:256:3:1:1,maxpool2d:4:4,flatten",
                                   (1, 28, 28), 10,
                                   batch_size=32)
    assert any("multiply-adds" in p for p in problems)


def test_a_live_batch_size_change_that_costs_too_much_is_refused_and_changes_nothing():
    exp, _ = Experiment.from_query({"ds": "shapes", "n": "200", "bs": "64",
                                    "net": "conv2d:32:3:1:1:relu,maxpool2d,conv2d:64:3:1:1:relu,"
                                           "maxpool2d,flatten"})
    trainer = Trainer(exp)
    with pytest.raises(SpecError, match="batch"):
        trainer.apply(exp.train.__class__(**{**exp.train.__dict__, "batch_size": 1024}))
    assert trainer.spec.batch_size == 64


def test_chunked_scoring_gives_the_unchunked_numbers(monkeypatch):
    import engine.train.scoring as scoring

    exp, _ = Experiment.from_query({"ds": "spiral", "n": "1000", "net": "dense:8:tanh"})
    whole = Trainer(exp).evaluate()
    monkeypatch.setattr(scoring, "EVAL_CHUNK", 7)
    chunked = Trainer(exp).evaluate()
    assert chunked.test_loss == pytest.approx(whole.test_loss, rel=1e-5)
    assert chunked.train_acc == pytest.approx(whole.train_acc)


def test_a_heavy_network_scores_fewer_examples_so_the_epoch_pause_waits_for_is_short():
    """Corpus find: Pause waits for the epoch in flight to be scored; a residual stack at
    3.6 million multiply-adds per example scored 2 × 4,096 examples there (about 2 s)."""
    from engine.model.cost import EVAL_LIMIT, MIN_SCORED, SCORING_MACS, scored_examples

    assert scored_examples(1_000) == scored_examples(400_000) == EVAL_LIMIT
    heavy = scored_examples(3_600_000)
    assert MIN_SCORED <= heavy < EVAL_LIMIT and heavy * 3_600_000 <= SCORING_MACS
    assert scored_examples(LIMITS["example_macs"][1]) == MIN_SCORED


def test_the_trainer_and_its_exported_script_score_the_same_examples():
    from engine.export.script import script_text
    from engine.spec.presets import preset_experiment
    from engine.train import Trainer

    exp = preset_experiment("tiny_lenet", "digits")
    exp = dataclasses.replace(exp, model=net("conv2d:32:3:1:1:relu,conv2d:32:3:1:1:relu,"
                                             "flatten,dense:32:relu"))
    trainer = Trainer(exp, device="cpu")
    assert trainer.eval_limit < 4_096
    assert f"EVAL_LIMIT = {trainer.eval_limit} " in script_text(exp, trainer.dataset)
