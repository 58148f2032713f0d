"""Which image the live views look at: one from the test set, or the student's own picture.

An upload is converted once (datasets.upload) and the result kept in session state, keyed by
the file and the dataset's input shape, so a large photo is not decoded on every rerun. The
page shows the preview made by that conversion, never the uploaded bytes themselves: handed to
st.image, those are decoded again by Streamlit, with no size guard, and re-encoded as JPEG,
which fails for 16-bit and other modes JPEG cannot hold.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import numpy as np
import streamlit as st

from datasets import Dataset, DatasetError
from datasets.upload import EXTENSIONS, FORMAT_NAMES, picture_from_bytes
from ui.controls.images import k
from ui.messages import show_error
from viz.images import enlarge, image_rgb
from viz.raster import to_png

KEY_UPLOAD = k("upload_result")
SOURCES = {"test": "A test image", "upload": "My own picture"}
BACKGROUNDS = {"auto": "auto", "light": "dark ink on light paper", "dark": "light ink on dark"}


@dataclass(frozen=True)
class Chosen:
    """The image shown to the network, and its true class when known."""

    image: np.ndarray            # (C, H, W) float32 in [0, 1]
    true_class: int | None
    label: str


def _random_index(n: int) -> None:
    st.session_state[k("test_index")] = secrets.randbelow(n)


def _test_image(ds: Dataset) -> Chosen:
    n = len(ds.x_test)
    if st.session_state.get(k("test_index"), 0) >= n:
        st.session_state[k("test_index")] = 0
    cols = st.columns([3, 1], vertical_alignment="bottom")
    i = cols[0].number_input(f"Test image (0–{n - 1})", 0, n - 1, step=1, key=k("test_index"),
                             help="Pick any image the network never trains on.")
    cols[1].button("Random", key=k("random"), on_click=_random_index, args=(n,),
                   help="Show another test image, picked at random.")
    y = int(ds.y_test[i])
    return Chosen(np.array(ds.x_test[i]), y, f"test image {i} ({ds.class_names[y]})")


def _converted(data: bytes, file_id: str, shape: tuple[int, ...], background: str):
    """(Picture, error) for an upload, converted at most once per file, shape and setting."""
    signature = (file_id, tuple(shape), background)
    cached = st.session_state.get(KEY_UPLOAD)
    if cached is None or cached[0] != signature:
        invert = {"auto": None, "light": True, "dark": False}[background]
        try:
            cached = (signature, picture_from_bytes(data, shape, invert=invert), None)
        except DatasetError as exc:
            cached = (signature, None, str(exc))
        st.session_state[KEY_UPLOAD] = cached
    return cached[1], cached[2]


def _upload(ds: Dataset) -> Chosen | None:
    cols = st.columns([2, 1])
    file = cols[0].file_uploader(
        f"Your picture ({FORMAT_NAMES}, any size or colour)", type=list(EXTENSIONS),
        key=k("upload"),
        help=f"It is turned into a {'×'.join(map(str, ds.input_shape[1:]))} grey image like "
             "the dataset's: cropped to the drawing, centred, and inverted if it is dark on "
             "light (these datasets are light strokes on black).")
    cols[1].radio("Background", list(BACKGROUNDS), key=k("background"),
                  format_func=BACKGROUNDS.get,
                  help="auto inverts pictures whose border is light.")
    if file is None:
        st.caption("No picture yet: the views show a test image meanwhile.")
        return None
    picture, error = _converted(file.getvalue(), file.file_id, ds.input_shape,
                                st.session_state.get(k("background"), "auto"))
    if error:
        show_error(error, icon=":material/broken_image:")
        return None
    with st.container(key="il_upload_preview", horizontal=True):
        st.image(to_png(picture.preview), caption="your picture", output_format="PNG",
                 width=110)
        st.image(to_png(enlarge(image_rgb(picture.image), 110)),
                 caption="what the network sees", output_format="PNG", width=110)
    return Chosen(picture.image, None, f"your picture “{file.name}”")


def image_picker(ds: Dataset) -> Chosen:
    """Draw the picker; returns the image the live views should use."""
    source = st.radio("Look inside with", list(SOURCES), key=k("source"), horizontal=True,
                      format_func=SOURCES.get)
    if source == "upload":
        chosen = _upload(ds)
        if chosen is not None:
            return chosen
        i = min(int(st.session_state.get(k("test_index"), 0)), len(ds.x_test) - 1)
        y = int(ds.y_test[i])
        return Chosen(np.array(ds.x_test[i]), y, f"test image {i}")
    return _test_image(ds)
