"""AppTest of the sequence lab: it opens, Play trains, every view draws, bad links get notes,
impossible stacks get messages, and the sweep and the text generator answer a click."""
import time

from streamlit.testing.v1 import AppTest

from engine.spec.presets import sequence_data, sequence_preset_experiment
from tests.shown import shown

PAGE = "labs/sequence_lab.py"
TRANSFORMER = "embedding:32,positional,transformer:4:64:1,transformer:4:64:1"


def open_lab(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=90)
    at.query_params.update(params)
    at.run()                      # switch after a first run (as the image lab's test does)
    at.query_params.clear()       # without the 2D page's link, which that first run wrote
    at.query_params.update(params)
    return at.switch_page(PAGE).run()


def trainer(at):
    return at.session_state["sq_trainer"]


def markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def play_until(at, epochs: int, seconds: float = 60) -> None:
    at.toggle(key="sq_play").set_value(True).run()
    deadline = time.time() + seconds
    while trainer(at).epoch < epochs and time.time() < deadline:
        time.sleep(0.3)
        at.run()
    at.toggle(key="sq_play").set_value(False).run()


def test_opens_on_copy_with_the_lstm_and_play_trains(app_path):
    at = open_lab(app_path)
    assert not at.exception and not at.error and not at.warning
    t = trainer(at)
    assert t.dataset.name == "copy" and t.experiment == sequence_preset_experiment()
    play_until(at, 2)
    assert trainer(at).epoch >= 2 and not at.exception
    text = markdown(at)
    for title in ("Test example", "Memory", "Gradients through time", "Attention"):
        assert title in text, title
    assert len(at.get("plotly_chart")) >= 3      # tokens, hidden state, gradients
    assert any("no attention layer" in c.value for c in at.caption)
    assert at.query_params["ds"] in ("copy", ["copy"])


def test_the_tiny_transformer_on_reverse_draws_attention_per_head(app_path):
    at = open_lab(app_path, ds="reverse", net=TRANSFORMER, lr="0.003")
    assert not at.exception and not at.warning
    assert [r.kind for r in trainer(at).plan][1:5] == ["embedding", "positional",
                                                       "transformer", "transformer"]
    assert at.radio(key="sq_head").options == ["head 1", "head 2", "head 3", "head 4"]
    at.radio(key="sq_head").set_value(2).run()
    assert not at.exception
    assert at.selectbox(key="sq_attn_layer").options == ["L3", "L4"]
    assert any("no recurrent layer" in c.value.lower() for c in at.caption)
    assert any("how each head's attention sharpens" in c.value for c in at.caption)
    play_until(at, 3)                            # maps captured while playing: a history
    run, history = at.session_state["sq_focus"]
    points = history["L3"]
    assert len(points) >= 2 and points[-1].epoch > points[0].epoch
    assert points[0].focus.shape == (4,)
    captions = " ".join(c.value for c in at.caption)
    assert "Focus of each head" in captions and "moments of this run" in captions


def test_a_forecast_draws_the_continuation_and_gates_show_for_an_lstm(app_path):
    at = open_lab(app_path, ds="sines", k="3")
    assert not at.exception and not at.warning
    assert trainer(at).experiment.data == sequence_data("sines", horizon=3)
    assert at.session_state["sq_data_horizon"] == 3
    at.button(key="sq_step_epoch").click().run()
    assert not at.exception
    assert any("forecast" in c.value for c in at.caption)
    assert at.radio(key="sq_gate_pick").options == ["input", "forget", "output"]


def test_bad_links_open_with_notes_shown_literally(app_path):
    at = open_lab(app_path, ds="copy", delay="[x](https://evil.example)", len="999")
    notes = [w.value for w in at.warning]
    assert any("Delay" in n for n in notes) and any("64" in n for n in notes)
    assert all("](" not in n for n in notes)                # escaped, never a live link
    assert trainer(at).experiment.data.seq_len == 64
    at = open_lab(app_path, ds="nonsense")
    assert any("no task this lab knows" in shown(w.value) for w in at.warning)
    assert trainer(at).dataset.name == "copy"
    at = open_lab(app_path, ds="sine", net="embedding:16,lstm:32")
    assert any("Opened the LSTM preset instead" in shown(w.value) for w in at.warning)
    assert [r.kind for r in trainer(at).plan][1:] == ["lstm", "head"]
    at = open_lab(app_path, ds="sentences", net="lstm:32:1")   # would read the answer
    notes = [shown(w.value) for w in at.warning]
    assert any("can see the next character" in n for n in notes) and len(set(notes)) == len(notes)
    assert trainer(at).experiment.model.layers[-1].bidirectional == 0


def test_an_impossible_stack_gets_a_message_and_training_goes_on(app_path):
    at = open_lab(app_path, ds="reverse", net=TRANSFORMER)
    before = trainer(at)
    at.text_input(key="sq_net_text").set_value("embedding:30,self_attention:4").run()
    assert not at.exception
    errors = " ".join(shown(e.value) for e in at.error)
    assert "head" in errors.lower() and "30" in errors
    assert trainer(at) is before                 # the last network that worked trains on
    at.text_input(key="sq_net_text").set_value("conv2d:8:3").run()
    assert "not a layer of the sequence lab" in " ".join(shown(e.value) for e in at.error)
    at = open_lab(app_path, ds="sentences")
    before = trainer(at)
    at.text_input(key="sq_net_text").set_value("embedding:16,self_attention:2:0").run()
    assert "can see the next character" in " ".join(shown(e.value) for e in at.error)
    assert trainer(at) is before and not at.exception


def test_task_switch_reloads_a_preset_that_fits_and_the_sweep_answers(app_path):
    at = open_lab(app_path, ds="reverse", net=TRANSFORMER, lr="0.003")
    at.selectbox(key="sq_preset").set_value("tiny_transformer").run()
    at.selectbox(key="sq_dataset").set_value("sine").run()
    assert not at.exception                      # (the diagnostics may warn of a gradient)
    assert trainer(at).dataset.name == "sine"
    assert trainer(at).plan[1].kind == "dense"          # the values spelling, no embedding
    at.button(key="sq_sweep").click().run()
    assert not at.exception
    assert "this network" in at.session_state["sq_sweeps"]


def test_the_text_generator_writes_on_the_text_tasks(app_path):
    at = open_lab(app_path, ds="sentences")
    assert not at.exception
    at.text_input(key="sq_prompt").set_value("the ").run()
    at.button(key="sq_generate").click().run()
    assert not at.exception
    kind, prompt, text = at.session_state["sq_generated"]
    assert (kind, prompt) == ("text", "the ") and len(text) == 120
    assert at.code and at.code[0].value.startswith("the ")
    at.text_input(key="sq_prompt").set_value("THE!").run()
    at.button(key="sq_generate").click().run()
    assert any("never saw" in shown(e.value) for e in at.error)


def test_a_lesson_link_opens_its_task_and_presentation_mode_works(app_path):
    at = open_lab(app_path, lesson="rnn-versus-lstm")
    assert not at.exception and not at.warning
    data = trainer(at).experiment.data
    assert (data.dataset, data.delay) == ("copy", 20)
    assert [r.kind for r in trainer(at).plan][1] == "rnn"
    assert "Vanilla RNN vs LSTM" in markdown(at) + " ".join(s.value for s in at.subheader)
    at = open_lab(app_path, ds="reverse", net=TRANSFORMER, present="1")
    assert not at.exception and not at.warning
    at.button(key="sq_play_button").click().run()
    assert at.session_state["sq_play"] and not at.exception
    at.button(key="sq_play_button").click().run()          # Pause: the trainer thread stops
    assert not at.session_state["sq_play"] and not at.exception
