"""AppTest of the data lab: it opens, Play trains and draws, the loan link reopens its bias
settings with per-group metrics, hostile link values get notes, the CSV choice without a file
asks for one, and the classic models answer a click with a table."""
import time

from streamlit.testing.v1 import AppTest

PAGE = "labs/data_lab.py"


def open_lab(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=90)
    at.query_params.update(params)
    at.run()
    at.query_params.clear()
    at.query_params.update(params)
    return at.switch_page(PAGE).run()


def trainer(at):
    return at.session_state["dl_trainer"]


def text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_opens_on_iris_and_play_trains(app_path):
    at = open_lab(app_path)
    assert not at.exception and not at.error and not at.warning
    assert trainer(at).dataset.name == "iris"
    at.toggle(key="dl_play").set_value(True).run()
    deadline = time.time() + 60
    while trainer(at).epoch < 3 and time.time() < deadline:
        time.sleep(0.3)
        at.run()
    at.toggle(key="dl_play").set_value(False).run()
    assert trainer(at).epoch >= 3 and not at.exception
    assert len(at.get("plotly_chart")) >= 2          # input plane, hidden plane
    assert at.query_params["ds"] == "iris"


def test_loan_link_reopens_its_bias_settings_and_shows_groups(app_path):
    at = open_lab(app_path, ds="loan", minor="0.1", lbias="0.7", bal="1", n="800")
    assert not at.exception and not at.warning
    assert at.session_state["dl_minor"] == 0.1 and at.session_state["dl_lbias"] == 0.7
    assert at.session_state["dl_balance"] is True
    assert trainer(at).dataset.name == "loan" and len(trainer(at).dataset.x_test) == 240
    assert "Per group of" in text(at)
    assert at.query_params["minor"] == "0.1" and at.query_params["bal"] == "1"


def test_hostile_link_values_get_notes_not_crashes(app_path):
    at = open_lab(app_path, ds="loan", minor="nan", lbias="99", n="-5", bs="1e99",
                  net="dense:99999999:relu")
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "minor" in notes and "lbias" in notes
    assert at.session_state["dl_minor"] == 0.2 and at.session_state["dl_lbias"] == 1.0
    assert trainer(at) is not None
    at = open_lab(app_path, ds="iris", loss="tfp_squared")
    assert not at.exception and trainer(at).experiment.train.loss == "auto"
    assert "loss" in " ".join(w.value for w in at.warning)
    at = open_lab(app_path, ds="<script>", net="x")
    assert not at.exception and "no table this lab knows" in " ".join(w.value for w in at.warning)


def test_csv_without_a_file_asks_for_one(app_path):
    at = open_lab(app_path)
    at.selectbox(key="dl_dataset").set_value("csv").run()
    assert not at.exception
    assert "Upload a CSV file" in " ".join(i.value for i in at.info)


def test_classic_models_answer_a_click(app_path):
    at = open_lab(app_path, ds="wine")
    at.button(key="dl_fit_baselines").click().run()
    held = at.session_state["dl_job_baselines"][1]
    assert held.wait(60) and held.error is None
    at.run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    baseline = next(t for t in tables if "model" in t.columns and "fit time" in t.columns)
    assert len(baseline) == 7 and baseline["model"].iloc[0].startswith("Network")


def test_a_lesson_link_opens_its_table_and_bias_settings(app_path):
    at = open_lab(app_path, lesson="bias-in-bias-out")
    assert not at.exception and not at.warning
    assert trainer(at).dataset.name == "loan"
    assert at.session_state["dl_minor"] == 0.5 and at.session_state["dl_lbias"] == 0.8
    assert "Bias in, bias out" in text(at)


def test_importance_answers_a_click_while_training_goes_on(app_path):
    at = open_lab(app_path, ds="iris")
    at.button(key="dl_importance").click().run()
    job = at.session_state["dl_job_importance"][1]
    assert job.wait(60) and job.error is None
    at.run()
    assert not at.exception
    epoch, imp = job.result
    assert len(imp.features) == 4 and len(imp.network) == len(imp.forest) == 4


def test_a_row_is_explained_by_both_models(app_path):
    at = open_lab(app_path, ds="breast_cancer")
    at.number_input(key="dl_row").set_value(5).run()
    assert not at.exception
    assert "The network predicts" in " ".join(c.value for c in at.caption)


EVIL = ["[Log in again](https://evil.example/login)", "<img src=x onerror=alert(1)>",
        ":red[alarm] $x$ **b**"]


def test_outside_text_in_the_lab_keys_is_echoed_only_as_escaped_text(app_path):
    from tests.shown import shown
    from ui.messages import literal
    for key in ("ds", "minor", "lbias", "net"):
        for value in EVIL:
            params = {"ds": "loan", key: value} if key != "ds" else {key: value}
            at = open_lab(app_path, **params)
            assert not at.exception, (key, value)
            notes = [e.value for e in (*at.error, *at.warning, *at.info)]
            assert notes, (key, value)
            for note in notes:
                assert note == literal(shown(note))
