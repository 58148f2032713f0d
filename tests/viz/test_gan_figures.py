"""The GAN lab's pictures from numpy: fixed-scale capped arrows, the canvas frames (D's map as
levels of its range, the manifold's lines, hidden layers left out, curves thinned) and the
model overview's numbers."""
import base64

import numpy as np

from viz.gan import ARROW_CAP, ARROW_SCALE, arrow_ends, graph_payload
from viz.gan_payload import CURVE_POINTS, LUT, curves_payload, levels, plane_payload


def test_arrows_keep_one_scale_and_a_cap():
    points = np.zeros((3, 2))
    arrows = np.array([[1.0, 0.0], [0.0, 0.1], [100.0, 0.0]])
    ends = arrow_ends(points, arrows)
    np.testing.assert_allclose(ends[0], [ARROW_SCALE, 0])
    np.testing.assert_allclose(ends[1], [0, 0.1 * ARROW_SCALE])      # short stays short
    np.testing.assert_allclose(ends[2], [ARROW_CAP, 0])


def test_levels_span_the_range():
    heat = np.array([[0.0, 0.5], [1.0, np.nan]])
    assert levels(heat, (0.0, 1.0)).tolist() == [[0, 128], [255, 128]]
    assert levels(np.array([[-3.0, 5.0]]), (-3.0, 5.0)).tolist() == [[0, 255]]   # a critic
    assert len(LUT) == 256 * 3 and LUT[:3] == [231, 212, 247] and LUT[-3:] == [205, 238, 226]


def test_the_plane_frame_has_its_layers_and_leaves_out_hidden_ones():
    rng = np.random.default_rng(0)
    real, fake, arrows = (rng.normal(size=(20, 2)) for _ in range(3))
    heat, mesh = rng.random((8, 8)), rng.normal(size=(4, 5, 2))
    frame = plane_payload(real, fake, arrows, heat, (0.0, 1.0), mesh)
    assert len(frame["real"]) == 40 and len(frame["fake"]) == 40
    assert len(base64.b64decode(frame["heat"]["levels"])) == 64 and frame["heat"]["n"] == 8
    assert len(frame["mesh"]) == 4 + 5 and len(frame["mesh"][0]) == 10
    assert len(frame["arrows"]) == 20 * 4
    np.testing.assert_allclose(frame["arrows"][:4], np.round(
        [*fake[0], *arrow_ends(fake[:1], arrows[:1])[0]], 3))
    bare = plane_payload(real, fake, arrows, heat, (0.0, 1.0), mesh[:1], show_heat=False,
                         show_mesh=False, show_arrows=False)
    assert bare["heat"] is None and bare["mesh"] is None and bare["arrows"] is None
    assert "critic" in plane_payload(real, fake, arrows, heat, (-2.0, 3.0), mesh,
                                     critic=True)["legend"]


def test_curves_are_thinned_and_scaled():
    steps = np.arange(1, 2001)
    losses = np.stack([steps, np.full(2000, 1.3), np.full(2000, 0.7)], axis=1)
    frame = curves_payload(losses, np.array([[25, 0.4], [50, 0.3]]))
    assert len(frame["steps"]) <= CURVE_POINTS and frame["steps"][-1] == 2000
    assert frame["range"][0] <= 0.7 and frame["range"][1] >= 1.3
    assert frame["js"] == [0.4, 0.3]
    assert curves_payload(np.zeros((0, 3)), np.zeros((0, 2)))["steps"] == []


def test_the_model_overview_shows_the_numbers():
    frame = graph_payload(1.25, float("nan"), 0.5, 0.25)
    assert (frame["d"], frame["g"], frame["fake"], frame["real"]) == (
        "loss 1.250", "loss –", "D(x) = 0.25", "D(x) = 0.50")
    assert graph_payload(1, 1, 2.0, -3.0, critic=True)["fake"] == "critic = -3.00"


def test_digit_grid_tiles_crisp_pixels():
    from viz.gan_digits import GUTTER, digit_grid
    images = np.zeros((3, 8, 8))
    images[1, 0, 0] = 1.0                                   # one inked pixel in the 2nd tile
    out = digit_grid(images, cols=2, scale=2, gap=1)
    assert out.shape == (2 * 16 + 2, 2 * 16 + 2) and out.dtype == np.uint8
    assert out[0, 0] == 255 and out[0, 18] == 0 and out[1, 19] == 0 and out[0, 20] == 255
    assert out[0, 16] == GUTTER and out[20, 20] == GUTTER    # the gutter and the empty 4th tile
