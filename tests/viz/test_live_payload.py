"""The painter's compact frames decode back to what the probe computed."""
import base64

import numpy as np

from viz.live_payload import (NetworkLayout, frame_payload, neuron_map, output_map, points_payload,
                              quantize_signed, signed_lut)


def decode(b64: str, dtype=np.uint8) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype=dtype)


def test_quantize_maps_the_signed_range_onto_bytes():
    q = quantize_signed(np.array([-2.0, -1.0, 0.0, 1.0, 5.0, np.nan]), 1.0)
    assert q.tolist() == [0, 0, 128, 255, 255, 128]


def test_lut_runs_orange_grey_blue():
    lut = np.array(signed_lut()).reshape(-1, 3)
    assert lut.shape == (256, 3)
    assert tuple(lut[0]) == (245, 147, 34) and tuple(lut[-1]) == (8, 119, 189)
    assert tuple(lut[128]) == (232, 234, 235)


def test_neuron_map_is_scaled_by_its_own_peak_and_flipped_so_y_points_up():
    values = np.zeros((3, 3))
    values[2, 0] = -4.0           # grid row 2 = largest y: must become the top row of the image
    values[0, 2] = 2.0
    m = neuron_map(values)
    assert m[0, 0] == 0 and m[2, 2] == round(1.5 * 127.5)


def test_output_map_two_classes_is_signed_and_many_classes_carry_winner_and_confidence():
    two = np.zeros((2, 2, 2))
    two[..., 1] = 1.0             # certain blue everywhere
    assert set(decode(output_map(two, classification=True, discretize=False)["map"])) == {255}
    three = np.full((2, 2, 3), 0.1)
    three[0, 0] = [0.0, 0.0, 1.0]
    three[1, 1] = [0.8, 0.1, 0.1]
    out = output_map(three, classification=True, discretize=False)
    assert out["mode"] == "classes"
    cls, strength = decode(out["cls"]).reshape(2, 2), decode(out["strength"]).reshape(2, 2)
    assert cls[1, 0] == 2 and strength[1, 0] == 255          # flipped: row 0 → bottom
    assert cls[0, 1] == 0 and 0 < strength[0, 1] < 255
    hard = output_map(three, classification=True, discretize=True)
    assert set(decode(hard["strength"])) == {255}


def test_points_land_on_the_corners_of_the_plane():
    p = points_payload(np.array([[-6.0, -6.0], [6.0, 6.0]]), np.array([0, 1]),
                       (-6.0, 6.0, -6.0, 6.0), classification=True)
    xy = decode(p["xy"], "<u2").reshape(-1, 2)
    assert xy.tolist() == [[0, 65535], [65535, 0]]             # y grows downwards on screen
    assert decode(p["rgb"]).reshape(-1, 3)[1].tolist() == [8, 119, 189]


def test_frame_payload_indexes_every_neuron_map():
    r = 4
    maps = {"X₁": np.ones((r, r)), "L1 #1": -np.ones((r, r))}
    layout = NetworkLayout(("inputs", "L1", "output"), (("X₁",), ("L1 #1",), ("output",)),
                           (np.array([[0.5]]), np.array([[-1.25]])))
    payload = frame_payload(frame=7, resolution=r, maps=maps, big={"mode": "signed", "map": ""},
                            caption="c", points=[], layout=layout, selected="L1 #1", size=360)
    assert payload["rs"] == 2                                    # thumbnails: every 2nd cell
    stack = decode(payload["maps"]).reshape(2, 2, 2)
    assert (stack[0] == 255).all() and (stack[1] == 0).all()
    cols = payload["net"]["columns"]
    assert [c["maps"] for c in cols] == [[0], [1], [-1]]
    assert payload["net"]["weights"] == [[[0.5]], [[-1.25]]] and payload["frame"] == 7
    fixed = frame_payload(frame=8, resolution=r, maps=maps, big={"mode": "signed", "map": ""},
                          caption="c", points=[], layout=layout, selected="L1 #1", size=360,
                          fixed=frozenset({"X₁"}))        # an input's map: a stack of its own
    assert [c["maps"] for c in fixed["net"]["columns"]] == [[-2], [0], [-1]]
    assert (decode(fixed["imaps"]) == 255).all() and (decode(fixed["maps"]) == 0).all()


def test_thumbnail_is_a_grey_square_with_coloured_points():
    import io

    from PIL import Image

    from viz.raster import thumbnail
    png = thumbnail(np.array([[0.0, 0.0]]), np.array([1]), (-1.0, 1.0, -1.0, 1.0),
                    classification=True, size=40)
    img = np.asarray(Image.open(io.BytesIO(png)))
    assert img.shape == (40, 40, 3)
    assert tuple(img[0, 0]) == (232, 234, 235) and tuple(img[20, 20]) == (8, 119, 189)
