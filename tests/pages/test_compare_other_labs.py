"""Compare mode is one shared section: the sequence and data labs open it from a link, train
both runs and give the verdict, with run B's changes in the link."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apps import address, play_pair_until


def open_lab(app_path, page, **params):
    at = AppTest.from_file(app_path, default_timeout=90)
    at.query_params.update(params)
    at.run()
    at.query_params.update(params)
    return at.switch_page(page).run()


@pytest.mark.parametrize("page,prefix,params,changed", [
    ("labs/sequence_lab.py", "sq", {"ds": "sine", "b_lr": "0.05"}, "b_lr"),
    ("labs/data_lab.py", "dl", {"ds": "iris", "b_net": "dense:16:relu"}, "b_net"),
])
def test_compare_mode_trains_both_runs_in_every_lab(app_path, page, prefix, params, changed):
    at = open_lab(app_path, page, cmp="1", **params)
    assert not at.exception
    assert at.toggle(key=f"{prefix}_compare").value
    pair = at.session_state[f"{prefix}c_trainer"]
    assert pair.a.experiment != pair.b.experiment
    assert pair.a.experiment.data == pair.b.experiment.data
    play_pair_until(at, f"{prefix}c", lambda p: min(p.a.epoch, p.b.epoch) >= 2)
    assert not at.exception and min(pair.a.epoch, pair.b.epoch) >= 2
    assert any("did better" in i.body or "tie" in i.body for i in at.info)
    link = address(at)
    assert link["cmp"] == "1" and link[changed] == params[changed]
    at.toggle(key=f"{prefix}_compare").set_value(False).run()
    assert not at.exception and "cmp" not in at.query_params
    assert at.session_state[f"{prefix}_trainer"] is not None


def test_the_gan_lab_compares_two_games_on_the_same_target(app_path):
    at = open_lab(app_path, "labs/gan_lab.py", t="ring", cmp="1", b_loss="lsgan")
    assert not at.exception
    pair = at.session_state["gnc_trainer"]
    assert (pair.a.spec.loss, pair.b.spec.loss) == ("nonsat", "lsgan")
    assert pair.a.spec.target == pair.b.spec.target == "ring"
    assert (pair.a.real == pair.b.real).all()
    at.selectbox(key="gnc_b_g_lr").set_value(0.003).run()
    assert pair.b.spec.g_lr == 0.003 and pair.a.spec.g_lr == 0.001, "a live change, no rebuild"
    play_pair_until(at, "gnc", lambda p: min(p.a.steps, p.b.steps) >= 60)
    assert not at.exception and at.session_state["gnc_trainer"] is pair
    assert any("closer to the real points" in i.body or "tie" in i.body for i in at.info)
    link = address(at)
    assert link["b_loss"] == "lsgan" and link["b_glr"] == "0.003"
    digits = open_lab(app_path, "labs/gan_lab.py", t="digits", cmp="1")
    assert not digits.exception
    assert any("2D target" in i.body for i in digits.info)


def test_the_activation_picker_shows_only_for_stacks_with_activations(app_path):
    lstm = open_lab(app_path, "labs/sequence_lab.py", ds="sine", net="lstm:16:0", cmp="1")
    assert not lstm.exception
    assert not [s for s in lstm.selectbox if s.label.startswith("B: activation")]
    dense = open_lab(app_path, "labs/data_lab.py", ds="iris", cmp="1")
    assert [s for s in dense.selectbox if s.label.startswith("B: activation")]
