"""Image-lab pictures: pixels, colour scales, layouts and the confusion figure, from numpy."""
import io
import re

import numpy as np
import pytest
from PIL import Image

from viz.images import (class_gallery_html, enlarge, feature_maps_html, filter_grid,
                        first_layer_filters, gallery_html, image_rgb, layer_column, map_tiles,
                        mosaic, plot_confusion, probabilities_svg, saliency_rgb, tile_size)
from viz.palette import BLUE, GREY, ORANGE
from viz.raster import to_png


def test_image_rgb_grey_and_colour():
    grey = image_rgb(np.array([[[0.0, 0.5], [1.0, 2.0]]]))
    assert grey.shape == (2, 2, 3) and grey.dtype == np.uint8
    assert grey[..., 0].tolist() == [[0, 128], [255, 255]]          # clipped to [0, 1]
    assert (grey[..., 0] == grey[..., 2]).all()
    rgb = image_rgb(np.stack([np.ones((2, 2)), np.zeros((2, 2)), np.zeros((2, 2))]))
    assert rgb[0, 0].tolist() == [255, 0, 0]


def test_enlarge_by_whole_factors_keeps_square_pixels():
    a = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    big = enlarge(a, 64)
    assert big.shape == (64, 64, 3)
    assert (big[:32, :32] == a[0, 0]).all() and (big[32:, 32:] == a[1, 1]).all()
    assert enlarge(np.zeros((28, 28, 3), np.uint8), 56).shape == (56, 56, 3)
    assert enlarge(np.zeros((40, 40, 3), np.uint8), 30).shape == (40, 40, 3)   # never shrinks


def test_mosaic_layout_and_gaps():
    tiles = [np.full((2, 3, 3), v, np.uint8) for v in (10, 20, 30)]
    m = mosaic(tiles, cols=2, gap=1)
    assert m.shape == (5, 7, 3)
    assert m[0, 0, 0] == 10 and m[0, 4, 0] == 20 and m[3, 0, 0] == 30
    assert m[2, 0, 0] == 255 and m[4, 6, 0] == 255                    # gap and empty cell


def test_map_tiles_shared_versus_per_map_scale():
    maps = np.stack([np.full((2, 2), 4.0), np.full((2, 2), 1.0), np.full((2, 2), -2.0)])
    shared = map_tiles(maps, "layer")
    assert shared[0][0, 0].tolist() == BLUE.astype(int).tolist()     # the layer's maximum
    weak = shared[1][0, 0].astype(float)                              # a quarter of the way
    assert np.allclose(weak, GREY + (BLUE - GREY) * 0.25, atol=1)
    assert np.allclose(shared[2][0, 0], GREY + (ORANGE - GREY) * 0.5, atol=1)
    own = map_tiles(maps, "map")
    assert own[1][0, 0].tolist() == BLUE.astype(int).tolist()        # stretched to its own max
    assert own[2][0, 0].tolist() == ORANGE.astype(int).tolist()
    zeros = map_tiles(np.zeros((1, 2, 2)), "map")[0]
    assert (zeros == GREY.astype(np.uint8)).all()                    # a dead map is grey
    with pytest.raises(ValueError):
        map_tiles(maps, "global")


def test_layer_column_stacks_maps_and_wraps():
    col = layer_column(np.random.default_rng(0).normal(size=(10, 4, 4)), tile=16, max_rows=8)
    assert col.shape == (5 * 16 + 4 * 2, 2 * 16 + 2, 3)        # 10 maps → 2 columns of 5
    assert tile_size(8) == 64 and tile_size(28) == 56


def test_feature_maps_html_has_one_titled_image_per_layer():
    png = to_png(np.zeros((4, 4, 3), np.uint8))
    html = feature_maps_html([("input", "1×8×8", png), ("L1 conv2d", "8×8×8", png),
                              ("L2 <pool>", "8×4×4", png)])
    assert html.count("<img") == 3 and html.count("→") == 2
    assert "L1 conv2d" in html and "&lt;pool&gt;" in html              # titles are escaped
    assert "data:image/png;base64," in html


def test_filter_grid_rows_are_filters_columns_are_input_channels():
    w = np.zeros((3, 2, 3, 3))
    w[1, 0] = 1.0
    w[2, 1] = -0.5
    grid = filter_grid(w, tile=9)
    assert grid.shape == (3 * 9 + 2 * 3, 2 * 9 + 3, 3)
    assert grid[9 + 3, 0].tolist() == BLUE.astype(int).tolist()      # filter 1, channel 0
    assert np.allclose(grid[2 * 12, 12], GREY + (ORANGE - GREY) * 0.5, atol=1)


def test_first_layer_filters_grey_and_rgb():
    w = np.random.default_rng(1).normal(size=(8, 1, 3, 3))
    img = first_layer_filters(w, tile=48, cols=4)
    assert img.shape == (2 * 48 + 3, 4 * 48 + 3 * 3, 3)
    rgb = first_layer_filters(np.random.default_rng(2).normal(size=(4, 3, 5, 5)), tile=10)
    assert rgb.shape == (10, 4 * 10 + 3 * 3, 3)


def test_saliency_overlay_is_red_where_the_gradient_is_large():
    image = np.zeros((1, 4, 4))
    grad = np.zeros((1, 4, 4))
    grad[0, 1, 2] = -3.0                                             # sign does not matter
    out = saliency_rgb(image, grad)
    assert out.shape == (4, 4, 3)
    assert out[1, 2].tolist() == [214, 39, 40] and out[0, 0].tolist() == [0, 0, 0]


def test_probabilities_svg_marks_prediction_and_truth():
    svg = probabilities_svg(np.array([0.1, 0.7, 0.2]), ("cat", "dog", "<b>"), true_class=2)
    assert svg.startswith("<svg") and svg.count("<rect") == 6
    assert "70%" in svg and "&lt;b&gt; ✓" in svg
    widths = [float(w) for w in re.findall(r'width="([\d.]+)" height="13" fill="(?!#e8)', svg)]
    assert widths == pytest.approx([16.4, 114.8, 32.8])              # 164 px track × p


def test_confusion_figure_has_counts_and_class_axes():
    figure = plot_confusion(np.array([[5, 1], [0, 7]]), ("cat", "dog"))
    assert np.asarray(figure.data[0].z).tolist() == [[5, 1], [0, 7]]
    fig = figure.to_dict()
    trace = fig["data"][0]
    assert trace["type"] == "heatmap"
    assert list(trace["x"]) == ["cat", "dog"] and trace["texttemplate"] == "%{text}"
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"


def test_galleries_embed_pngs_with_captions():
    images = np.random.default_rng(3).random((6, 1, 8, 8))
    html = gallery_html([(images[0], "true 3 → 8"), (images[1], "a<b")])
    assert html.count("<img") == 2 and "true 3 → 8" in html and "a&lt;b" in html
    src = re.search(r'src="data:image/png;base64,([^"]+)"', html)[1]
    import base64
    assert Image.open(io.BytesIO(base64.b64decode(src))).size == (56, 56)
    per_class = class_gallery_html(images, np.array([0, 1, 0, 1, 2, 0]), ("a", "b", "c"),
                                   per_class=2)
    assert per_class.count("<img") == 3 and ">c<" in per_class
