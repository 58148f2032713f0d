"""AppTest of the image lab: play, step, the layer editor, bad stacks, data size, uploads,
offline downloads and the URL."""
import io
import time
import urllib.error
import urllib.request

from PIL import Image, ImageDraw
from streamlit.testing.v1 import AppTest

from ui.views.inside import TITLES

from engine.spec.presets import preset_experiment
from tests.shown import shown

PAGE = "labs/image_lab.py"


def open_lab(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=60)
    at.query_params.update(params)
    # switch after a first run: before it, AppTest resolves a file name to the page of that
    # name, here the /image_lab alias, which would then switch pages on every run
    at.run()
    at.query_params.update(params)
    return at.switch_page(PAGE).run()


def recorder(at):
    return at.session_state["il_recorder"]


def trainer(at):
    return at.session_state["il_trainer"]


def test_opens_on_digits_with_the_preset_and_draws_every_view(app_path):
    at = open_lab(app_path)
    assert not at.exception and not at.error and not at.warning
    t = trainer(at)
    assert t.dataset.name == "digits" and t.dataset.input_shape == (1, 8, 8)
    assert t.experiment == preset_experiment()
    bodies = " ".join(h.proto.body for h in at.get("html"))
    for title in ("L1 conv2d", "L2 maxpool2d", "L3 conv2d", "L4 maxpool2d"):
        assert title in bodies                                   # one column per image layer
    assert "saliency for" in bodies and "Misclassified" in " ".join(m.value for m in at.markdown)
    assert any("Predicted class" in c.value for c in at.caption)
    assert at.get("plotly_chart"), "the confusion matrix is drawn"
    shapes = at.dataframe[0].value
    assert list(shapes["output shape"]) == ["1×8×8", "8×8×8", "8×4×4", "16×4×4", "16×2×2",
                                            "64", "32", "10"]
    assert at.query_params["ds"] in ("digits", ["digits"])
    assert at.query_params["ntr"] in ("1257", ["1257"])


def test_play_trains_pause_stops_and_step_buttons(app_path):
    at = open_lab(app_path)
    at.toggle(key="il_play").set_value(True).run()
    deadline = time.time() + 60      # the background thread trains while runs renew its lease
    while trainer(at).epoch < 2 and time.time() < deadline:
        time.sleep(0.2)
        at.run()
    assert not at.exception
    t = trainer(at)
    assert t.epoch >= 2 and t.metrics.test_acc > 0.5
    at.toggle(key="il_play").set_value(False).run()
    steps = trainer(at).steps
    at.run()                                                     # paused: nothing trains
    assert trainer(at).steps == steps
    at.button(key="il_step_batch").click().run()
    assert trainer(at).steps == steps + 1
    epoch = trainer(at).epoch
    at.button(key="il_step_epoch").click().run()
    assert trainer(at).epoch == epoch + 1 and trainer(at).batch_in_epoch == 0
    at.button(key="il_reset").click().run()
    assert trainer(at).steps == 0
    runs = at.session_state["il_runs"]
    assert runs and runs[0]["epochs"] == epoch + 1               # the reset run is remembered


def test_editor_rows_add_move_remove_and_presets(app_path):
    at = open_lab(app_path)
    stack = at.session_state["il_stack"]
    first, last = stack[0]["uid"], stack[-1]["uid"]
    at.button(key=f"il_del{last}").click().run()                 # drop the dense layer
    assert [layer.kind for layer in trainer(at).experiment.model.layers][-1] == "flatten"
    at.selectbox(key="il_add_kind").set_value("dropout").run()
    at.button(key="il_add").click().run()
    assert trainer(at).experiment.model.layers[-1].kind == "dropout"
    at.button(key=f"il_down{first}").click().run()               # conv below the pooling
    kinds = [layer.kind for layer in trainer(at).experiment.model.layers]
    assert kinds[:2] == ["maxpool2d", "conv2d"]
    uid = at.session_state["il_stack"][1]["uid"]
    at.selectbox(key=f"il_row{uid}_channels").set_value(4).run()
    assert trainer(at).experiment.model.layers[1].channels == 4
    at.selectbox(key=f"il_row{uid}_kind").set_value("avgpool2d").run()
    layer = trainer(at).experiment.model.layers[1]
    assert (layer.kind, layer.kernel, layer.stride) == ("avgpool2d", 2, 2)   # kind defaults
    at.selectbox(key="il_preset").set_value("mlp").run()
    at.button(key="il_load_preset").click().run()
    assert not at.exception
    assert [layer.kind for layer in trainer(at).experiment.model.layers] == [
        "flatten", "dense", "dense"]
    assert any("no convolution" in c.value for c in at.caption)
    assert at.text_input(key="il_net_text").value == "flatten,dense:64:relu,dense:32:relu"


def test_a_stack_that_cannot_work_gets_the_message_next_to_the_editor(app_path):
    at = open_lab(app_path)
    before = trainer(at)
    at.text_input(key="il_net_text").set_value("conv2d:8:3:1:1:relu,dense:16:relu").run()
    assert not at.exception
    text = " ".join(shown(e.value) for e in at.error)
    assert "Layer L2 (dense)" in text and "Flatten" in text
    assert trainer(at) is before                                 # training keeps its network
    at.text_input(key="il_net_text").set_value("conv2d:8:99").run()
    text = " ".join(shown(e.value) for e in at.error)
    assert "kernel must be a whole number from 1 to 11" in text
    at.text_input(key="il_net_text").set_value("conv2d:4:3:1:1:relu,residual:4:relu,flatten").run()
    assert not at.error
    assert trainer(at).experiment.model.layers[1].kind == "residual"


def test_training_set_size_rebuilds_with_fewer_images_and_same_test_set(app_path):
    at = open_lab(app_path)
    at.button(key="il_step_epoch").click().run()
    test_before = trainer(at).dataset.x_test
    at.slider(key="il_train_size").set_value(100).run()
    t = trainer(at)
    assert len(t.x_train) == 100 and (t.dataset.x_test == test_before).all()
    assert "100 training images" in at.get_by_key("il_epoch").markdown[0].value
    assert at.session_state["il_runs"][0]["training images"] == 1257
    assert at.query_params["ntr"] in ("100", ["100"])


def test_live_settings_change_without_a_rebuild(app_path):
    at = open_lab(app_path)
    at.button(key="il_step_epoch").click().run()
    t = trainer(at)
    at.select_slider(key="il_train_lr").set_value(0.01).run()
    at.select_slider(key="il_train_l2").set_value(0.001).run()
    assert trainer(at) is t and t.lr == 0.01 and t.spec.l2 == 0.001 and t.epoch == 1


def png_bytes(image):
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def test_uploaded_picture_is_converted_and_bad_files_get_a_message(app_path):
    at = open_lab(app_path)
    at.radio(key="il_source").set_value("upload").run()
    img = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(img).rectangle((140, 30, 160, 170), fill="black")
    at.get("file_uploader")[0].set_value(("one.png", png_bytes(img), "image/png")).run()
    assert not at.exception and not at.error
    captions = " ".join(img.caption for i in at.get("image") for img in i.proto.imgs)
    assert "your picture" in captions and "what the network sees" in captions
    _, picture, error = at.session_state["il_upload_result"]
    assert picture.image.shape == (1, 8, 8) and error is None and picture.image.max() == 1.0
    at.get("file_uploader")[0].set_value(("fake.png", b"not an image at all", "image/png")).run()
    assert not at.exception
    assert any("not a PNG, JPEG, GIF, WebP or BMP picture" in shown(e.value) for e in at.error)
    assert "L1 conv2d" in " ".join(h.proto.body for h in at.get("html"))   # still usable


def encoded(image, fmt, **kw):
    buf = io.BytesIO()
    image.save(buf, format=fmt, **kw)
    return buf.getvalue()


def test_pictures_in_any_mode_are_shown_not_crashed_on(app_path):
    """Issue #10: a 16-bit PNG crashed the page. The preview was the uploaded bytes, which
    st.image decodes again and re-encodes as JPEG: impossible for 16-bit (and LA, P…)."""
    import numpy as np
    at = open_lab(app_path)
    at.radio(key="il_source").set_value("upload").run()
    deep = np.full((200, 300), 60000, np.uint16)
    deep[30:170, 140:160] = 0
    drawing = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(drawing).rectangle((140, 30, 160, 170), fill="black")
    uploads = {
        "deep.png": encoded(Image.fromarray(deep), "PNG"),                  # 16-bit grey
        "small16.png": encoded(Image.fromarray(deep[::10, ::10]), "PNG"),   # not resized first
        "grey-alpha.png": encoded(drawing.convert("LA"), "PNG"),
        "cmyk.jpg": encoded(drawing.convert("CMYK"), "JPEG"),
        "anim.gif": encoded(drawing.convert("L"), "GIF", save_all=True,
                            append_images=[drawing.rotate(90).convert("L")]),
        "photo.webp": encoded(drawing, "WEBP"),
        "paint.bmp": encoded(drawing.convert("1"), "BMP"),
    }
    for name, data in uploads.items():
        at.get("file_uploader")[0].set_value((name, data, "image/png")).run()
        assert not at.exception, name
        assert not at.error, name
        _, picture, _ = at.session_state["il_upload_result"]
        assert picture.image.shape == (1, 8, 8) and picture.image.max() == 1.0, name
        assert np.isfinite(picture.image).all(), name
        captions = " ".join(img.caption for i in at.get("image") for img in i.proto.imgs)
        assert "your picture" in captions and "what the network sees" in captions, name
    # the uploader refuses a .tif name; a TIFF renamed to .png gets through it, to the message
    renamed = ("scan.png", encoded(drawing, "TIFF"), "image/png")
    at.get("file_uploader")[0].set_value(renamed).run()
    assert not at.exception
    assert any("save or export it as PNG or JPEG" in shown(e.value) for e in at.error)


def test_offline_download_says_so_and_keeps_working(app_path, monkeypatch, tmp_path):
    monkeypatch.setenv("NNPG_DATA_DIR", str(tmp_path))

    def offline(*_args, **_kwargs):
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    at = open_lab(app_path)
    at.selectbox(key="il_dataset").set_value("mnist").run()
    assert not at.exception
    assert any("not on this computer yet" in shown(i.value) for i in at.info)
    assert trainer(at).dataset.name == "digits"
    at.button(key="il_download").click().run()
    assert not at.exception
    notes = [shown(w.value) for w in at.warning]
    assert any("offline" in note and "keeps working" in note for note in notes)
    assert trainer(at).dataset.name == "digits"


def test_link_reopens_the_experiment_and_other_pages_links_are_ignored(app_path):
    exp = preset_experiment("tiny_vgg", "shapes").replace("train", lr=0.01, batch_size=64)
    at = open_lab(app_path, **exp.to_query(), ntr="500")
    assert not at.exception and not at.warning
    t = trainer(at)
    assert t.experiment == exp and len(t.x_train) == 500
    two_d = open_lab(app_path, ds="circle", net="dense:4:tanh", lr="0.3")
    assert not two_d.warning and trainer(two_d).experiment == preset_experiment()


def test_hostile_link_gives_messages_not_tracebacks(app_path):
    at = open_lab(app_path, ds="digits", net="dense:8:relu,lstm:4", lr="1e99",
                  ntr="lots", opt="<script>", bs="1000", mom="0.999", ep="999999")
    assert not at.exception
    text = " ".join(shown(w.value) for w in at.warning)
    assert "Learning rate" in text and "Optimizer" in text and "Tiny LeNet" in text
    assert "training-set size" in text
    assert trainer(at).experiment.train.lr == 10.0


def test_mnist_copied_into_the_cache_trains_without_a_download(app_path, monkeypatch, tmp_path):
    import numpy as np

    from datasets.idx import encode_idx

    def no_network(*_args, **_kwargs):
        raise AssertionError("the network must not be used")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setenv("NNPG_DATA_DIR", str(tmp_path))
    folder = tmp_path / "fashion_mnist"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name, n in (("train", 40), ("t10k", 20)):
        (folder / f"{name}-images-idx3-ubyte").write_bytes(
            encode_idx(rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)))
        (folder / f"{name}-labels-idx1-ubyte").write_bytes(
            encode_idx((np.arange(n) % 10).astype(np.uint8)))
    at = open_lab(app_path)
    at.selectbox(key="il_dataset").set_value("fashion_mnist").run()
    assert not at.exception and not at.warning
    assert not [b for b in at.button if b.key == "il_download"]
    t = trainer(at)
    assert t.dataset.name == "fashion_mnist" and t.dataset.input_shape == (1, 28, 28)
    assert "Ankle boot" in " ".join(t.dataset.class_names)
    at.button(key="il_step_epoch").click().run()
    assert not at.exception and trainer(at).epoch == 1


def test_inside_panel_and_timeline_on_the_image_lab(app_path):
    import torch
    at = open_lab(app_path)
    for _ in range(4):
        at.button(key="il_step_epoch").click().run()
    assert not at.exception
    t = trainer(at)
    assert t.epoch == 4
    texts = [shown(e.value) for e in (*at.error, *at.warning, *at.success)]
    known = ("No problems spotted", *TITLES.values())      # a verdict, in words we wrote
    assert any(word in text for text in texts for word in known), texts
    past = recorder(at).timeline.at_epoch(1)
    at.select_slider(key="il_timeline").set_value(past.steps).run()
    assert not at.exception
    t = trainer(at)
    assert recorder(at).rewound and t.epoch == 1
    assert all(torch.equal(a, b) for a, b in zip(t.model.state_dict().values(),
                                                  past.state["model"].values()))
    at.button(key="il_step_epoch").click().run()              # a branch from epoch 1
    t = trainer(at)
    assert t.epoch == 2 and recorder(at).branches and not at.exception
