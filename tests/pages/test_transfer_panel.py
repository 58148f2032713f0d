"""AppTest of the image lab's transfer-learning panel: its choices and locks, a comparison
and a sweep run as background jobs, the server's source network trained once and unchanged by
two sessions, and the choices round-tripping in the page link."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from engine.transfer.shared import shared_source
from tests.pages.test_image_lab import open_lab
from tests.shown import shown


def _finish(at: AppTest, name: str) -> None:
    held = at.session_state[f"il_job_{name}"]
    assert held[1].wait(120), "the job finished"
    assert held[1].error is None, held[1].error
    at.run()


def _markdown(at: AppTest) -> str:
    return " ".join(shown(m.value) for m in at.markdown)


def test_panel_shows_choices_and_locks(app_path):
    at = open_lab(app_path)
    assert not at.exception and not at.warning
    assert at.checkbox(key="il_tr_frozen_L1").value is False     # the default: all trainable
    assert "tfz" not in at.query_params and "tk" not in at.query_params
    text = _markdown(at)
    assert "| :gray[:material/lock_open:] | L1 |" in text and "random (new)" in text
    at.checkbox(key="il_tr_frozen_L1").check()
    at.checkbox(key="il_tr_frozen_L3").check().run()
    text = _markdown(at)
    assert "| :blue[:material/lock:] | L3 |" in text
    assert "| :gray[:material/lock_open:] | L6 |" in text
    assert at.query_params["tfz"] in ("L1.L3", ["L1.L3"])             # the link follows


def test_compare_in_two_sessions_trains_the_source_once_and_never_changes_it(app_path):
    shared = shared_source()
    first = open_lab(app_path)
    first.checkbox(key="il_tr_frozen_L1").check().run()           # this session freezes L1
    first.button(key="il_tr_run").click().run()
    _finish(first, "transfer")
    assert not first.exception
    mine = first.session_state["il_job_transfer"][1].result
    assert (mine.filters_source == mine.filters_tuned).all()       # frozen: bit-identical
    maps = " ".join(h.proto.body for h in first.get("html"))
    assert "🔒 L1 conv2d" in maps and "🔒 L3" not in maps
    assert "il_tr_curves" in [c.key for c in first.get("plotly_chart")]   # curves drawn
    assert len(first.get("image")) >= 4                                    # three filter rows
    assert "fine-tuned" in _markdown(first) and "from scratch" in _markdown(first)
    assert shared.trainings == 1
    fingerprint = shared.model.fingerprint
    second = open_lab(app_path)
    assert second.checkbox(key="il_tr_frozen_L1").value is False    # fine-tune every layer
    second.button(key="il_tr_run").click().run()
    _finish(second, "transfer")
    assert not second.exception
    c = second.session_state["il_job_transfer"][1].result
    assert (c.filters_source != c.filters_tuned).any()          # this session changed its copy
    assert shared.trainings == 1 and shared.model.fingerprint == fingerprint
    assert "trained once on this server" in " ".join(x.value for x in second.caption)


def test_sweep_draws_both_lines(app_path):
    at = open_lab(app_path)
    at.button(key="il_tr_sweep").click().run()
    _finish(at, "transfer_sweep")
    assert not at.exception
    sweep = at.session_state["il_job_transfer_sweep"][1].result
    assert "il_tr_sweep_chart" in [c.key for c in at.get("plotly_chart")]
    assert sweep.sizes == (5, 10, 20, 50) and sweep.transfer_acc.shape == (4, 3)
    assert any("Gap (fine-tuned minus scratch" in c.value for c in at.caption)


@pytest.mark.parametrize("tk, tfz", [("20", "L3"), ("5", "L1.L3.L6")])
def test_link_round_trip(app_path, tk, tfz):
    at = open_lab(app_path, tk=tk, tfz=tfz)
    assert not at.exception and not at.warning
    assert at.session_state["il_tr_k"] == int(tk)
    frozen = [name for name in ("L1", "L3", "L6")
              if at.checkbox(key=f"il_tr_frozen_{name}").value]
    assert ".".join(frozen) == tfz
    assert at.query_params["tk"] in (tk, [tk]) and at.query_params["tfz"] in (tfz, [tfz])


def test_hostile_transfer_values_are_notes_not_errors():
    from ui.views.transfer import read_transfer_link

    for tk, tfz in (("9" * 5000, "L1." * 2000), ("-5", ""), ("10.0", "L1..L3"), ("٣", "l1")):
        per_class, frozen, _, notes = read_transfer_link({"tk": [tk], "tfz": [tfz]})
        assert per_class == 10 and frozen == () and all(len(n) < 300 for n in notes)


def test_bad_transfer_link_opens_defaults_with_a_note(app_path):
    at = open_lab(app_path, tk="7", tfz="L9")
    assert not at.exception
    notes = " ".join(shown(w.value) for w in at.warning)
    assert "not 7" in notes and "L9" in notes
    assert at.session_state["il_tr_k"] == 10
    assert not any(at.checkbox(key=f"il_tr_frozen_{n}").value for n in ("L1", "L3", "L6"))
    assert "tk" not in at.query_params and "tfz" not in at.query_params


def test_link_with_nothing_frozen_is_the_default(app_path):
    at = open_lab(app_path, tfz="none", tk="10")
    assert not at.exception and not at.warning
    assert not any(at.checkbox(key=f"il_tr_frozen_{n}").value for n in ("L1", "L3", "L6"))
    assert "tfz" not in at.query_params and "tk" not in at.query_params   # defaults: left out


def test_transfer_keys_are_no_experiment_keys():
    from engine.spec.fields import FIELDS_BY_URL, MODEL_URL_KEY
    from ui.controls.images import TRAIN_SIZE_KEY
    from ui.views.transfer import FROZEN_KEY, OPEN_KEY, PER_CLASS_KEY

    ours = {PER_CLASS_KEY, FROZEN_KEY, OPEN_KEY}
    assert len(ours) == 3
    assert not ours & (set(FIELDS_BY_URL) | {MODEL_URL_KEY, TRAIN_SIZE_KEY, "lesson", "done",
                                               "hide", "view"})


def test_open_key_opens_the_panel(app_path):
    at = open_lab(app_path, xfer="1")
    assert not at.exception and not at.warning
    assert at.session_state["il_tr_open"] is True
    panel = [e for e in at.expander if "Transfer learning" in e.label]
    assert panel and panel[0].proto.expanded


def test_first_comparison_on_a_server_shows_the_source_training(app_path, monkeypatch):
    import threading

    import ui.views.transfer as panel
    from engine.transfer.shared import SharedSource

    trained = shared_source().get()
    gate = threading.Event()

    def slow_train(progress):          # a server's first source training, held open
        progress(0.5)
        gate.wait(60)
        return trained

    fresh = SharedSource(slow_train)
    monkeypatch.setattr(panel, "shared_source", lambda: fresh)
    at = open_lab(app_path)
    assert any("not trained yet" in c.value for c in at.caption)
    at.button(key="il_tr_run").click().run()
    bars = [p for p in at.get("progress")]
    assert bars and "Training the source network on digits 5–9 (once for this server)" in (
        bars[0].proto.text)
    gate.set()
    _finish(at, "transfer")
    assert fresh.trainings == 1 and not at.exception
    assert any("trained once on this server" in c.value for c in at.caption)


def test_discriminative_learning_rate_reaches_the_run(app_path):
    at = open_lab(app_path)
    at.session_state["il_tr_lr"] = 0.1
    at.run()
    assert "0.005 × 0.1" in _markdown(at)
    at.button(key="il_tr_run").click().run()
    _finish(at, "transfer")
    assert not at.exception
    assert at.session_state["il_job_transfer"][1].result.body_lr == 0.1
    assert "copied layers at × 0.1 the learning rate" in _markdown(at)


def test_choices_survive_a_visit_to_another_page(app_path):
    at = open_lab(app_path)
    at.checkbox(key="il_tr_frozen_L3").check().run()
    at.session_state["il_tr_k"] = 20
    at.run()
    at.switch_page("labs/playground.py").run()
    at.switch_page("labs/image_lab.py").run()
    assert not at.exception
    assert at.session_state["il_tr_k"] == 20
    assert at.checkbox(key="il_tr_frozen_L3").value is True
