"""The sequence lab's figures: numpy in, plotly out, with the data where a student reads it."""
import numpy as np

from engine.snapshot import MemorySweep
from viz.sequences import (LONG_STRIP, attention_map, class_bars, forecast_figure, gate_means,
                           gradient_through_time, sweep_figure, token_strip, units_heatmap)


def test_forecast_joins_the_window_to_both_continuations():
    fig = forecast_figure(np.arange(5.0)[:, None], np.array([5.0, 6.0]), np.array([4.5, 7.0]))
    window, truth, forecast = fig.data
    assert list(window.y) == [0, 1, 2, 3, 4]
    assert list(truth.x) == [4, 5, 6] and list(truth.y) == [4, 5, 6]
    assert list(forecast.y) == [4, 4.5, 7]


def test_token_strip_scores_only_the_steps_with_an_answer_due():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]])
    fig = token_strip(("a", " ", "?"), np.array([-1, -1, 0]), probs, ("a", "b"))
    z = np.asarray(fig.data[0].z, dtype=float)
    assert np.allclose(z[2], [0.9, 0.8, 0.3])           # own answer where none is due
    assert list(fig.data[0].text[0]) == ["a", "␣", "?"]
    assert fig.data[0].text[2][2] == "b<br>30%" and fig.data[0].text[2][0] == "<i>a</i>"
    long = token_strip(("a",) * (LONG_STRIP + 1), np.zeros(LONG_STRIP + 1, int),
                       np.tile([0.6, 0.4], (LONG_STRIP + 1, 1)), ("a", "b"))
    assert long.data[0].text[2][0] == "a"                # the % moves to the hover


def test_heatmaps_attention_gradients_and_sweep():
    assert class_bars(np.array([0.2, 0.8]), ("even", "odd"), 1).data[0].marker.color[1] == "#111111"
    heat = units_heatmap(np.zeros((3, 4)), ("a", "b", "c", "d"), "h", zmin=-1, zmax=1,
                         diverging=True)
    assert np.asarray(heat.data[0].z).shape == (3, 4)
    assert list(heat.layout.xaxis.ticktext) == ["a", "b", "c", "d"]
    gates = gate_means({"forget": np.full((2, 5), 0.9)})
    assert np.allclose(gates.data[0].y, 0.9)
    grads = gradient_through_time({"L1 rnn": np.array([1e-6, 0.0, 1.0])})
    assert grads.layout.yaxis.type == "log" and np.isnan(grads.data[0].y[1])
    att = attention_map(np.eye(3), ("x", "y", "z"))
    assert list(att.data[0].x) == ["0:x", "1:y", "2:z"]
    sweep = MemorySweep("delay", np.array([0, 10]), np.array([1.0, 0.5]), "accuracy", 10)
    fig = sweep_figure({"this network": sweep, "LSTM": sweep})
    assert [d.name for d in fig.data] == ["this network", "LSTM"]
    assert fig.layout.xaxis.title.text.startswith("delay")


def test_the_focus_and_film_figures_carry_every_head_and_moment():
    from viz.sequences import attention_film, focus_figure

    fig = focus_figure([0.0, 1.0, 2.0], np.array([[0.1, 0.2], [0.4, 0.5], [0.8, 0.9]]))
    assert [t.name for t in fig.data] == ["head 1", "head 2"]
    assert list(fig.data[1].y) == [0.2, 0.5, 0.9] and fig.layout.yaxis.range == (0, 1.02)
    maps = [np.full((3, 3), 1 / 3), np.eye(3)]
    film = attention_film([0.0, 5.5], maps)
    assert len(film.data) == 2 and np.array_equal(np.array(film.data[1].z), np.eye(3))
    assert [a.text for a in film.layout.annotations] == ["epoch 0.0", "epoch 5.5"]
