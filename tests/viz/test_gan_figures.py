"""The GAN lab's figures from numpy: the plane's traces, fixed-scale capped arrows, the
manifold's grid lines, the curves' axes and the model graph's numbers."""
import numpy as np

from viz.gan import ARROW_CAP, ARROW_SCALE, arrow_ends, mesh_lines, model_graph, plot_curves, \
    plot_plane


def test_arrows_keep_one_scale_and_a_cap():
    points = np.zeros((3, 2))
    arrows = np.array([[1.0, 0.0], [0.0, 0.1], [100.0, 0.0]])
    ends = arrow_ends(points, arrows)
    np.testing.assert_allclose(ends[0], [ARROW_SCALE, 0])
    np.testing.assert_allclose(ends[1], [0, 0.1 * ARROW_SCALE])      # short stays short
    np.testing.assert_allclose(ends[2], [ARROW_CAP, 0])


def test_the_plane_has_its_layers_and_leaves_out_hidden_ones():
    rng = np.random.default_rng(0)
    real, fake, arrows = rng.normal(size=(20, 2)), rng.normal(size=(20, 2)), rng.normal(size=(20, 2))
    heat, mesh = rng.random((8, 8)), rng.normal(size=(4, 4, 2))
    fig = plot_plane(real, fake, arrows, heat, (0.0, 1.0), mesh)
    assert [t.type for t in fig.data] == ["heatmap", "scatter", "scatter", "scatter", "scatter"]
    assert [t.name for t in fig.data][1:] == ["manifold", "real", "fake", "G's push"]
    assert fig.data[0].zmin == 0 and fig.data[0].zmax == 1
    bare = plot_plane(real, fake, arrows, heat, (0.0, 1.0), mesh, show_heat=False,
                      show_mesh=False, show_arrows=False)
    assert [t.name for t in bare.data] == ["real", "fake"]


def test_mesh_lines_draw_rows_and_columns():
    mesh = np.zeros((3, 5, 2))
    xs, _ = mesh_lines(mesh)
    assert xs.count(None) == 3 + 5
    xs, _ = mesh_lines(np.zeros((1, 5, 2)))                 # 1D noise: one curve
    assert xs.count(None) == 1


def test_curves_and_graph():
    losses = np.array([[1, 1.3, 0.7], [2, 1.2, 0.8]])
    fig = plot_curves(losses, np.array([[25, 0.4]]))
    assert [t.name for t in fig.data] == ["D loss", "G loss", "JS divergence (bits)"]
    assert fig.data[2].yaxis == "y2"
    dot = model_graph(1.25, float("nan"), 0.5, 0.25)
    assert "loss 1.250" in dot and "loss –" in dot and "D(x) = 0.250" in dot
    assert "z -> G -> fake -> D; real -> D;" in dot
