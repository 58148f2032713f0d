"""Links are input from strangers (issue #10): every hostile link opens a working page.

Per class: outside text is echoed only as literal text; `hide=` takes anything; a value a
control cannot show is changed with a note, never silently; every layer kind the spec knows,
typed or linked, gives a message or a working stack on every page with a layer list; the
heaviest stacks the controls can build train and draw.
"""
import pytest

from engine.spec.layers import LAYER_KINDS, layers_from_text, layers_to_text
from tests.pages.apps import open_2d, open_images
from tests.shown import shown
from ui.messages import literal

EVIL = ["[Log in again](https://evil.example/login)", "![t](https://evil.example/t.png)",
        "<img src=x onerror=alert(1)>", "https://evil.example/x", ":red[alarm] $x$ **b**"]


def messages(at) -> list[str]:
    return [e.value for e in (*at.error, *at.warning, *at.info)]


def trainer(at, prefix="pg"):
    return at.session_state[f"{prefix}_trainer"]


@pytest.mark.parametrize("value", EVIL)
@pytest.mark.parametrize("key", ["ds", "opt", "net", "lr", "feat"])
def test_outside_text_is_echoed_only_as_escaped_text(app_path, key, value):
    at = open_2d(app_path, **{key: value})
    assert not at.exception
    notes = messages(at)
    assert notes, "the bad value is reported"
    for note in notes:               # every punctuation mark escaped: nothing is Markdown
        assert note == literal(shown(note))
    assert any(value in shown(note) for note in notes) or key == "net"


@pytest.mark.parametrize("hide", ["bogus", "<b>x</b>,lr", "lr,lr,lr", ",,,", "network," * 300,
                                  "[x](https://evil.example)", "data,features,network,lr,"
                                  "optimizer,batch,loss,regularization,schedule,reset,step,"
                                  "timeline,inside"])
def test_any_hide_value_opens_a_working_page(app_path, hide):
    at = open_2d(app_path, hide=hide, n="70000", net="dense:999:tanh", bs="1024")
    assert not at.exception
    at.toggle(key="pg_play").set_value(True).run()
    assert not at.exception
    assert trainer(at).experiment.data.n_samples == 2000       # what the slider offers ...
    assert any("Samples was 70000" in shown(n) for n in messages(at))   # ... and said so


def test_values_the_controls_cannot_show_are_changed_with_a_note(app_path):
    at = open_2d(app_path, n="70000", net="dense:999:tanh", mom="0.995", opt="momentum",
                 lr=["0.1", "5"], bs="1024")
    assert not at.exception
    spec = trainer(at).experiment
    notes = " ".join(shown(n) for n in messages(at))
    assert spec.train.lr == 5.0 and "gives lr 2 times" in notes       # kept, and said
    assert spec.train.batch_size == 1024                               # the slider goes there
    assert spec.train.momentum == 0.995                                # ... and there
    assert spec.data.n_samples == 2000 and "Samples was 70000" in notes
    assert spec.model.layers[0].units == 256 and "at most 256 neurons" in notes


def test_the_image_lab_says_what_it_changed_in_a_link(app_path):
    at = open_images(app_path, ds="digits", ntr="999999", mom="0.995", opt="momentum",
                     bs="1024")
    assert not at.exception
    notes = " ".join(shown(n) for n in messages(at))
    assert "999,999 training images" in notes
    assert trainer(at, "il").spec.momentum == 0.995


def _kind_text(kind):
    return {"dense": "flatten,dense:8", "flatten": "flatten"}.get(kind, f"conv2d:4,{kind}")


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_every_layer_kind_typed_in_the_image_lab_gives_a_message_or_a_stack(app_path, kind):
    at = open_images(app_path)
    at.text_input(key="il_net_text").set_value(_kind_text(kind)).run()
    assert not at.exception
    at.text_input(key="il_net_text").set_value(kind).run()             # alone, with defaults
    assert not at.exception
    at.toggle(key="il_play").set_value(True).run()
    assert not at.exception


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_every_layer_kind_in_a_link_opens_both_labs(app_path, kind):
    at = open_2d(app_path, net=f"dense:4,{kind}")
    assert not at.exception and trainer(at) is not None
    at = open_images(app_path, ds="digits", net=_kind_text(kind))
    assert not at.exception and trainer(at, "il") is not None


def test_the_wide_conv_bomb_opens_the_preset_with_the_reason(app_path):
    at = open_images(app_path, ds="shapes", net="conv2d:256:3:1:1:relu,conv2d:256:3:1:1:relu,"
                                                "maxpool2d:4:4,flatten")
    assert not at.exception
    notes = " ".join(shown(n) for n in messages(at))
    assert "multiply-adds" in notes and "fewer channels" in notes
    assert trainer(at, "il").experiment.model.layers[0].channels < 256


def test_batch_norm_with_a_batch_of_one_is_refused_and_the_page_keeps_working(app_path):
    at = open_2d(app_path, net="dense:8:tanh,batchnorm", bs="1", lr="0.1")
    assert not at.exception
    notes = " ".join(shown(n) for n in messages(at))
    assert "at least 2 examples per batch" in notes and "opened with batch size 10" in notes
    spec = trainer(at).experiment                 # the rest of the link is kept
    assert spec.train.batch_size == 10 and spec.train.lr == 0.1
    assert at.slider(key="pg_train_batch_size").value == 10
    at = open_2d(app_path, net="dense:8:tanh,batchnorm", bs="7", n="50", tr="0.9")   # 45 = 6×7+3
    at.toggle(key="pg_play").set_value(True).run()
    assert not at.exception


def test_the_widest_network_the_sidebar_offers_trains_and_draws_a_bounded_frame(app_path):
    net = ",".join(["dense:256:tanh,batchnorm,dropout:0.5"] * 8)
    at = open_2d(app_path, net=net, feat="x1,x2,x1_sq,x2_sq,x1x2,sin_x1,sin_x2", n="2000", bs="2")
    assert not at.exception
    at.button(key="pg_step_batch").click().run()
    assert not at.exception and trainer(at).steps == 1


def test_a_step_epoch_click_on_a_long_epoch_answers_at_once_and_says_so(app_path, monkeypatch):
    import ui.session

    monkeypatch.setattr(ui.session, "STEP_SECONDS", 0.0)
    at = open_2d(app_path, net="dense:64:tanh", n="2000", tr="0.9", bs="1")
    at.button(key="pg_step_epoch").click().run()
    assert not at.exception
    assert trainer(at).epoch == 0 and trainer(at).steps == 1
    assert any("Press Step epoch again" in shown(i.value) for i in at.info)


def test_a_wide_conv_layer_draws_its_first_32_maps_and_says_so(app_path):
    at = open_images(app_path, ds="digits", net="conv2d:64:3:1:1:relu,maxpool2d:2:2,flatten")
    assert not at.exception
    html = " ".join(str(h.proto) for h in at.get("html"))
    assert "64×8×8 · first 32 drawn" in html


def test_wide_conv_layers_draw_their_first_filters_and_say_so(app_path):
    """Corpus find: the weight grid of a 256×256-channel conv was a 7677-pixel picture."""
    at = open_images(app_path, ds="digits",
                     net="conv2d:40:3:1:1:relu,conv2d:48:3:1:1:relu,maxpool2d:4:4,flatten")
    assert not at.exception
    assert "The first 32 of 40 filters are drawn." in " ".join(c.value for c in at.caption)
    at.selectbox(key="il_deep").set_value("L2").run()
    captions = " ".join(c.value for c in at.caption)
    assert "The first 16 of 48 filters and 16 of 40 input channels are drawn." in captions


def test_a_batch_size_the_network_cannot_take_is_refused_and_other_changes_still_apply(app_path):
    at = open_2d(app_path, net="dense:8:tanh,batchnorm", bs="10")
    at.slider(key="pg_train_batch_size").set_value(1)
    at.select_slider(key="pg_train_lr").set_value(0.1).run()
    assert not at.exception
    assert any("at least 2 examples per batch" in shown(e.value) for e in at.error)
    assert trainer(at).spec.batch_size == 10 and trainer(at).spec.lr == 0.1


def test_a_dropout_rate_the_spec_allows_opens_on_the_2d_page(app_path):
    at = open_2d(app_path, net="dense:4:tanh,dropout:0.95")
    assert not at.exception
    assert trainer(at).experiment.model.layers[-1].rate == 0.95


def test_a_picture_one_pixel_high_is_shown_not_crashed_on(app_path):
    import io

    import numpy as np
    from PIL import Image

    strip = np.zeros((1, 4000), np.uint8)
    strip[0, 1000:3000] = 255
    data = io.BytesIO()
    Image.fromarray(strip).save(data, format="PNG")
    at = open_images(app_path)
    at.radio(key="il_source").set_value("upload").run()
    at.get("file_uploader")[0].set_value(("strip.png", data.getvalue(), "image/png")).run()
    assert not at.exception


def test_the_image_lab_says_which_data_settings_of_a_link_it_left_out(app_path):
    at = open_images(app_path, ds="digits", dseed="7", noise="0.5")
    assert not at.exception
    notes = " ".join(shown(n) for n in messages(at))
    assert "Data seed" in notes and "Noise" in notes and "left out" in notes
    from engine.spec.presets import preset_experiment

    own = preset_experiment("tiny_lenet", "digits").to_query()   # a link the lab made: no note
    at = open_images(app_path, **own)
    assert not at.exception
    assert not any("left out" in shown(n) for n in messages(at))


@pytest.mark.parametrize("net, built", [
    ("batchnorm,dense:8:tanh", "dense:8:tanh"),                     # nothing before a layer
    ("dense:8:tanh,dropout:0.2,batchnorm", "dense:8:tanh,batchnorm,dropout:0.2"),
    ("dense:8:tanh,dropout:0.1,dropout:0.3", "dense:8:tanh,dropout:0.3"),
])
def test_a_2d_stack_the_sidebar_cannot_show_is_rebuilt_with_a_note(app_path, net, built):
    at = open_2d(app_path, net=net)
    assert not at.exception
    notes = " ".join(shown(n) for n in messages(at))
    assert "rebuilt that way" in notes
    assert layers_to_text(trainer(at).experiment.model.layers) == layers_to_text(
        layers_from_text(built))


def test_a_stack_the_sidebar_shows_as_it_is_opens_without_a_note(app_path):
    at = open_2d(app_path, net="dense:8:relu,batchnorm,dropout:0.2,dense:4:tanh")
    assert not at.exception and not messages(at)


def test_a_repeated_net_key_is_joined_and_said(app_path):
    at = open_2d(app_path, net=["dense:8:tanh", "dense:4:relu"])
    assert not at.exception
    assert "gives net 2 times" in " ".join(shown(n) for n in messages(at))
    assert len(trainer(at).experiment.model.layers) == 2


def test_which_links_the_image_lab_cannot_read():
    from ui.controls.images import not_an_image_link

    assert "cifar" in not_an_image_link({"ds": ["cifar"]})
    assert not_an_image_link({}) is None and not_an_image_link({"lesson": ["3"]}) is None
    assert not_an_image_link({"ds": ["spiral"], "lr": ["0.1"]}) is None   # the 2D page's


def test_an_image_link_without_ds_is_read_on_the_default_image_set():
    from ui.controls.images import read_params

    exp, _, notes = read_params({"net": ["flatten,dense:16:relu"], "lr": ["5"]})
    assert exp.data.dataset == "digits" and exp.train.lr == 5.0
    assert [layer.kind for layer in exp.model.layers] == ["flatten", "dense"]
    assert any("no ds=" in note for note in notes)


@pytest.mark.parametrize("params", [{"ds": "cifar"},
                                    {"ds": "[x](https://evil.example)", "lr": "0.1"}])
def test_an_image_link_without_a_known_image_set_opens_the_default_and_says_so(app_path, params):
    at = open_images(app_path, **params)
    assert not at.exception
    assert "names no image set" in " ".join(shown(n) for n in messages(at))


def test_the_2d_pages_own_link_carried_over_opens_the_image_lab_quietly(app_path):
    at = open_images(app_path, ds="spiral", net="dense:8:tanh", lr="0.03")
    assert not at.exception
    assert not any("names no image set" in shown(n) for n in messages(at))
