"""Data augmentation (issue 15, part 2): shapes and labels kept, deterministic per seed and
independent of torch's global RNG, never a mirror where the dataset forbids it, off is
bit-identical to training without it, live changes keep the weights, the spec round-trips,
and the strip of augmented samples."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from datasets import DATASETS
from datasets.subset import take_train
from engine.data import load_data
from engine.inspect.augment import augmented_samples
from engine.spec import Experiment, TrainSpec
from engine.spec.experiment import AUGMENTATIONS, needs_rebuild
from engine.spec.fields import FIELDS_BY_NAME, SpecError
from engine.spec.presets import preset_experiment
from engine.train import Trainer
from engine.train.augment import augment_batch, augmenting
from viz.images import augment_strip_html

ALL_ON = TrainSpec(aug_shift=0.15, aug_rotate=20.0, aug_scale=0.2, aug_flip=1,
                   aug_noise=0.2, aug_cutout=0.3)
SMALL = "flatten,dense:16:relu"          # a cheap network: these tests are about the data


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def batch(n=16, h=12, seed=0):
    return torch.rand(n, 1, h, h, generator=torch.Generator().manual_seed(seed))


def gen(seed=5):
    return torch.Generator().manual_seed(seed)


def image_exp(dataset="digits", **train):
    exp = preset_experiment("mlp", dataset)
    from engine.spec import ModelSpec, layers_from_text
    return Experiment(exp.data, ModelSpec(layers_from_text(SMALL)),
                      dataclasses.replace(exp.train, batch_size=16, **train))


def small_trainer(dataset="digits", keep=60, **train):
    exp = image_exp(dataset, **train)
    return Trainer(exp, dataset=take_train(load_data(exp.data), keep), device="cpu")


# ---- the batch function ------------------------------------------------------------------
@pytest.mark.parametrize("name", AUGMENTATIONS)
def test_each_augmentation_keeps_shape_dtype_range_and_changes_the_images(name):
    x = batch()
    value = getattr(ALL_ON, name)
    spec = dataclasses.replace(TrainSpec(), **{name: value})
    out = augment_batch(x, spec, gen(), flips=True)
    assert out.shape == x.shape and out.dtype == x.dtype
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0
    assert not torch.equal(out, x)
    assert torch.equal(x, batch()), "the input batch is never changed in place"


def test_everything_on_is_deterministic_per_seed_and_differs_across_seeds():
    x = batch()
    a = augment_batch(x, ALL_ON, gen(1), flips=True)
    assert torch.equal(a, augment_batch(x, ALL_ON, gen(1), flips=True))
    assert not torch.equal(a, augment_batch(x, ALL_ON, gen(2), flips=True))


def test_global_rng_is_neither_read_nor_moved():
    x = batch()
    torch.manual_seed(0)
    state = torch.random.get_rng_state()
    a = augment_batch(x, ALL_ON, gen(3), flips=True)
    assert torch.equal(state, torch.random.get_rng_state())
    torch.manual_seed(12345)                     # another session's global draws
    torch.rand(100)
    assert torch.equal(a, augment_batch(x, ALL_ON, gen(3), flips=True))


def test_mirror_alone_is_exact_and_only_where_allowed():
    x = batch(n=64)
    spec = TrainSpec(aug_flip=1)
    out = augment_batch(x, spec, gen(), flips=True)
    mirrored = [torch.equal(o, i.flip(-1)) for o, i in zip(out, x)]
    kept = [torch.equal(o, i) for o, i in zip(out, x)]
    assert all(m or k for m, k in zip(mirrored, kept)) and 10 < sum(mirrored) < 54
    assert torch.equal(augment_batch(x, spec, gen(), flips=False), x)   # forbidden: untouched


def test_a_whole_pixel_shift_moves_the_picture_and_brings_in_black():
    x = torch.zeros(1, 1, 8, 8)
    x[0, 0, 3:5, 3:5] = 1.0
    out = augment_batch(x, TrainSpec(aug_shift=0.25), gen(), flips=False)
    assert out.sum() <= x.sum() + 1e-5 and not torch.equal(out, x)


# ---- datasets and the spec ---------------------------------------------------------------
def test_every_image_set_declares_mirroring_and_digits_never_mirror():
    assert DATASETS["digits"].flips is False and DATASETS["mnist"].flips is False
    assert DATASETS["shapes"].flips is True and DATASETS["fashion_mnist"].flips is True
    with pytest.raises(SpecError, match="mirrored"):
        image_exp("digits", aug_flip=1).validated()
    with pytest.raises(SpecError, match="images only"):
        Experiment(train=TrainSpec(aug_noise=0.1)).validated()
    exp, notes = Experiment.from_query({**image_exp("digits").to_query(), "aflip": "1",
                                        "arot": "10"})
    assert exp.train.aug_flip == 0 and exp.train.aug_rotate == 10.0
    assert any("mirrored" in n for n in notes)


def test_trainer_never_mirrors_a_forbidden_set_even_when_told_to_live():
    t = small_trainer("digits")
    assert t.flips_allowed is False
    t.apply(dataclasses.replace(t.spec, aug_flip=1))       # apply() skips cross-field checks
    samples = augmented_samples(t, n_images=5, n_versions=8)
    assert np.array_equal(samples.versions, np.repeat(samples.images[:, None], 8, axis=1))


def test_augmentation_fields_round_trip_through_link_and_json():
    exp = image_exp("shapes", aug_shift=0.1, aug_rotate=12.5, aug_scale=0.15, aug_flip=1,
                    aug_noise=0.05, aug_cutout=0.25)
    assert Experiment.from_query(exp.to_query(), strict=True)[0] == exp
    assert Experiment.from_json(exp.to_json()) == exp
    assert {"ashift", "arot", "ascale", "aflip", "anoise", "acut"} <= set(exp.to_query())
    assert not {"ashift", "arot", "aflip"} & set(image_exp("shapes").to_query())  # off: left out
    for name in AUGMENTATIONS:
        assert FIELDS_BY_NAME[("train", name)].help


def test_changing_augmentation_is_live():
    exp = image_exp("shapes")
    assert not needs_rebuild(exp, exp.replace("train", aug_rotate=10.0, aug_flip=1))


# ---- training ----------------------------------------------------------------------------
def test_off_is_bit_identical_to_training_without_the_feature():
    """Off draws nothing: same shuffles, same weights as a trainer that never heard of it
    (and switching it on then off again changes nothing either)."""
    a, b = small_trainer(), small_trainer()
    b.apply(dataclasses.replace(b.spec, aug_noise=0.3))
    b.apply(dataclasses.replace(b.spec, aug_noise=0.0))
    a.step(12), b.step(12)
    for p, q in zip(a.model.parameters(), b.model.parameters()):
        assert torch.equal(p, q)
    assert torch.equal(a.generator.get_state(), b.generator.get_state())


def test_on_trains_deterministically_keeps_labels_and_test_data_and_shuffles():
    runs = []
    for _ in range(2):
        t = small_trainer("shapes", **{n: getattr(ALL_ON, n) for n in AUGMENTATIONS})
        y_before, x_test = t.y_train.clone(), t.x_test.clone()
        torch.manual_seed(len(runs))            # the global RNG must not matter
        t.step(10)
        assert torch.equal(t.y_train, y_before) and torch.equal(t.x_test, x_test)
        runs.append([p.detach().clone() for p in t.model.parameters()])
    for p, q in zip(*runs):
        assert torch.equal(p, q)
    plain = small_trainer("shapes")
    plain.step(10)
    assert torch.equal(plain.generator.get_state(), t.generator.get_state()), \
        "augmentation has its own stream: the batch order is unchanged"
    assert not all(torch.equal(p, q) for p, q in zip(plain.model.parameters(), runs[0]))


def test_state_dict_restores_the_augmentation_stream():
    t = small_trainer("shapes", aug_noise=0.2, aug_shift=0.1)
    t.step(3)
    state = t.state_dict()
    t.step(4)
    after = [p.detach().clone() for p in t.model.parameters()]
    t.load_state_dict(state)
    t.step(4)
    for p, q in zip(after, t.model.parameters()):
        assert torch.equal(p, q)


# ---- what the network sees ---------------------------------------------------------------
def test_strip_shows_training_images_and_their_versions_without_touching_the_run():
    t = small_trainer("shapes", aug_rotate=30.0, aug_cutout=0.3)
    states = (t.generator.get_state(), t.augment_generator.get_state())
    s = augmented_samples(t, n_images=5, n_versions=3)
    assert s.on and s.images.shape == (5, 1, 28, 28) and s.versions.shape == (5, 3, 1, 28, 28)
    assert sorted(s.labels.tolist()) == [0, 1, 2, 3, 4]     # one per class
    assert not np.array_equal(s.versions[:, 0], s.images)
    assert torch.equal(states[0], t.generator.get_state())
    assert torch.equal(states[1], t.augment_generator.get_state())
    again = augmented_samples(t, n_images=5, n_versions=3)
    assert np.array_equal(again.versions, s.versions)       # same epoch, same strip
    html = augment_strip_html(s.images, s.versions, s.labels, t.dataset.class_names)
    assert html.count("<img") == 10 and "circle" in html and "random versions the network trains on" in html
    assert augmenting(t.spec)
