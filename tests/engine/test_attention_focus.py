"""The focus score and the history behind the 'how attention sharpens' view."""
import numpy as np

from engine.inspect.attention_focus import FocusPoint, add_point, attention_focus, film


def test_even_reading_is_zero_and_one_step_is_one():
    t = 6
    even = np.full((1, t, t), 1 / t)
    mirror = np.eye(t)[::-1][None]                       # Reverse, learnt: the anti-diagonal
    assert np.allclose(attention_focus(even), 0.0)
    assert np.allclose(attention_focus(mirror), 1.0)
    half = np.zeros((1, t, t))
    half[0, :, :2] = 0.5                                 # every row reads two steps evenly
    expected = 1 - np.log(2) / np.log(t)
    assert np.allclose(attention_focus(half), expected)


def test_a_causal_row_is_judged_against_the_steps_it_may_read():
    t = 5
    causal_even = np.tril(np.ones((t, t)))
    causal_even /= causal_even.sum(-1, keepdims=True)    # reads all it may, evenly
    assert np.allclose(attention_focus(causal_even[None], causal=True), 0.0)   # not focused
    heads = np.stack([causal_even, np.eye(t)])
    assert np.allclose(attention_focus(heads, causal=True), [0.0, 1.0])
    assert attention_focus(causal_even[None])[0] > 0.2   # judged as if it could read all


def _point(epoch: float) -> FocusPoint:
    return FocusPoint(epoch, np.array([epoch]), np.zeros((1, 2, 2)))


def test_the_history_thins_out_keeps_the_latest_and_restarts_on_a_new_run():
    history = ()
    for e in range(100):
        history = add_point(history, _point(float(e)), keep=10)
    assert len(history) <= 10 and history[-1].epoch == 99.0 and history[0].epoch == 0.0
    assert list(p.epoch for p in history) == sorted(p.epoch for p in history)
    assert add_point(history, _point(0.5))[0].epoch == 0.5 and len(
        add_point(history, _point(0.5))) == 1            # an earlier epoch: a new run


def test_the_film_spans_first_to_latest():
    history = tuple(_point(float(e)) for e in range(20))
    strip = film(history, frames=5)
    assert len(strip) == 5 and strip[0].epoch == 0.0 and strip[-1].epoch == 19.0
    assert film(history[:3]) == history[:3]
