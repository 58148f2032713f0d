"""AppTest of the data lab's re-weighting remedy: the toggle sits beside balanced sampling,
ticking it trains on weighted rows, says so in a note and puts `rew=1` in the link; a link
with `rew=1` reopens it, and any other value leaves it off."""
from tests.pages.test_data_lab import open_lab, trainer


def infos(at) -> str:
    """The info boxes' text, without the markdown escapes (notes are shown as literal text)."""
    return " ".join(i.value for i in at.info).replace("\\", "")


def test_ticking_reweighting_weights_the_rows_and_writes_the_link(app_path):
    at = open_lab(app_path, ds="loan", minor="0.3", lbias="0.8", n="600")
    assert not at.exception
    assert at.session_state["dl_reweigh"] is False and trainer(at).dataset.w_train is None
    assert "rew" not in at.query_params and "Re-weighting" not in infos(at)
    at.toggle(key="dl_reweigh").set_value(True).run()
    assert not at.exception
    ds = trainer(at).dataset
    assert ds.w_train is not None and len(ds.w_train) == len(ds.y_train)
    assert "Re-weighting: each training row counts as if group and decision were " \
           "independent" in infos(at)
    assert at.query_params["rew"] == "1"
    at.toggle(key="dl_balance").set_value(True).run()
    assert not at.exception and "Re-weighting (after balanced sampling)" in infos(at)
    assert at.query_params["bal"] == "1" and at.query_params["rew"] == "1"
    at.toggle(key="dl_reweigh").set_value(False).run()
    assert trainer(at).dataset.w_train is None and "rew" not in at.query_params


def test_a_link_reopens_reweighting_and_other_values_leave_it_off(app_path):
    at = open_lab(app_path, ds="loan", rew="1", n="400")
    assert not at.exception and not at.warning
    assert at.session_state["dl_reweigh"] is True
    assert trainer(at).dataset.w_train is not None
    at = open_lab(app_path, ds="loan", rew="<b>yes</b>", n="400")
    assert not at.exception and at.session_state["dl_reweigh"] is False
    assert trainer(at).dataset.w_train is None


def test_tables_without_a_sensitive_column_show_no_remedies(app_path):
    at = open_lab(app_path, ds="iris")
    assert not at.exception
    labels = [t.label for t in at.toggle]
    assert "Re-weighting" not in labels and "Balanced sampling" not in labels
