"""AppTest of the generative lab: it opens, Play trains, the step modes move only their
network, the loss changes live, and a hostile link gets notes instead of a crash."""
import json
import time

import torch
from streamlit.testing.v1 import AppTest

from engine.gan.spec import GanSpec

PAGE = "labs/gan_lab.py"


def open_lab(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=90)
    at.query_params.update(params)
    at.run()                      # switch after a first run (as the other labs' tests do)
    at.query_params.clear()
    at.query_params.update(params)
    return at.switch_page(PAGE).run()


def trainer(at):
    return at.session_state["gn_trainer"]


def weights(net) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in net.parameters()]).clone()


def test_opens_plays_and_draws_every_view(app_path):
    at = open_lab(app_path)
    assert not at.exception and not at.error and not at.warning
    assert trainer(at).spec == GanSpec()
    at.toggle(key="gn_play").set_value(True).run()
    deadline = time.time() + 30
    while trainer(at).steps < 50 and time.time() < deadline:
        time.sleep(0.3)
        at.run()
    at.toggle(key="gn_play").set_value(False).run()
    assert trainer(at).steps >= 50 and not at.exception
    boards = [json.loads(c.proto.bytes) for c in at.get("bidi_component")]
    assert len(boards) == 1 and boards[0]["kind"] == "board"      # a frame is one element
    parts = {part["area"]: part for part in boards[0]["parts"]}
    assert [parts[a]["kind"] for a in ("plane", "numbers", "graph", "curves", "notes")] == [
        "plane", "html", "graph", "curves", "html"]
    assert len(parts["plane"]["fake"]) == 2 * 512 and parts["curves"]["steps"][-1] >= 50
    assert parts["graph"]["g"].startswith("loss ") and "D(x) = " in parts["graph"]["real"]
    numbers = parts["numbers"]["html"]
    for label in ("Step", "D loss", "G loss", "JS", "Modes covered"):
        assert f">{label}" in numbers, label
    assert f">{trainer(at).steps:,}<" in numbers
    assert not at.metric
    assert at.query_params["t"] in ("mixture8", ["mixture8"])


def test_step_modes_move_only_their_network(app_path):
    at = open_lab(app_path)
    t = trainer(at)
    g0, d0 = weights(t.G), weights(t.D)
    at.button(key="gn_step_d").click().run()
    assert torch.equal(weights(t.G), g0) and not torch.equal(weights(t.D), d0)
    d1 = weights(t.D)
    at.button(key="gn_step_g").click().run()
    assert torch.equal(weights(t.D), d1) and not torch.equal(weights(t.G), g0)
    assert t.d_updates == 1 and t.g_updates == 1 and not at.exception


def test_loss_and_rates_change_live_but_the_target_rebuilds(app_path):
    at = open_lab(app_path)
    t = trainer(at)
    at.button(key="gn_step_both").click().run()
    at.selectbox(key="gn_loss").set_value("wgangp").run()
    assert trainer(at) is t and t.spec.loss == "wgangp" and not at.exception
    plane = json.loads(at.get("bidi_component")[0].proto.bytes)["parts"][0]
    assert plane["area"] == "plane" and "critic" in plane["legend"]
    at.selectbox(key="gn_target").set_value("ring").run()
    assert trainer(at) is not t and trainer(at).spec.target == "ring"
    assert at.query_params["loss"] in ("wgangp", ["wgangp"])


def test_a_link_reopens_the_experiment(app_path):
    spec = GanSpec(target="moons", loss="lsgan", noise_dim=1, d_steps=3, g_lr=0.0003)
    at = open_lab(app_path, **spec.to_query())
    assert not at.exception and not at.warning
    assert trainer(at).spec == spec


def test_hostile_link_values_get_notes_not_a_crash(app_path):
    at = open_lab(app_path, t="<script>", z="1e9", glr="nan", loss="x" * 500,
                  g="conv2d:8:3", d="dense:99999:relu")
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    for word in ("Target", "Noise dimensions", "Generator learning rate", "Loss",
                 "Generator network", "Discriminator network"):
        assert word in notes, word
    assert trainer(at).spec.noise_dim == 16 and trainer(at).spec.target == "mixture8"


def test_a_lesson_link_opens_the_lesson_with_its_experiment(app_path):
    at = open_lab(app_path, lesson="gan-mode-collapse")
    assert not at.exception and not at.warning
    spec = trainer(at).spec
    assert (spec.loss, spec.g_lr, spec.d_lr) == ("minimax", 0.003, 0.0003)
    text = " ".join(m.value for m in at.markdown)
    assert "Mode collapse, and balancing the game" in text and "Goal:" in text
    assert at.query_params["lesson"] in ("gan-mode-collapse", ["gan-mode-collapse"])
    at.button(key="gn_step_both").click().run()
    assert not at.exception


def test_draw_your_own_target(app_path):
    at = open_lab(app_path)
    at.selectbox(key="gn_target").set_value("drawn").run()
    t = trainer(at)
    assert t.spec.target == "drawn" and not at.exception and not at.error
    assert any("Your target: 14 points" in c.value for c in at.caption)
    plane = json.loads(at.get("bidi_component")[0].proto.bytes)["parts"][0]
    assert plane["draw"] and len(plane["drawn"]) == 2 * 14
    assert at.query_params["pts"] in (t.spec.points, [t.spec.points])
    at.button(key="gn_undo_point").click().run()
    assert len(trainer(at).spec.points.split(";")) == 13 and trainer(at) is not t
    at.button(key="gn_clear_points").click().run()
    assert "Draw at least 3 points" in " ".join(e.value for e in at.error)
    assert trainer(at).spec.target == "drawn"          # the last drawing that worked trains on
    at.button(key="gn_smile_points").click().run()
    assert not at.error and len(trainer(at).spec.points.split(";")) == 14


def test_the_digits_gan_draws_digits_and_a_latent_walk(app_path):
    at = open_lab(app_path, t="digits", z="8")
    assert not at.exception and not at.warning and trainer(at).images
    at.button(key="gn_step_both").click().run()
    assert trainer(at).steps == 1 and not at.exception
    boards = [json.loads(c.proto.bytes) for c in at.get("bidi_component")]
    assert len(boards) == 1 and not at.get("image")            # a frame is one element
    parts = {part["area"]: part for part in boards[0]["parts"]}
    pictures = parts["plane"]["html"]
    assert pictures.count("<img src=\"data:image/png;base64,") == 3   # generated, real, walk
    assert "walk through noise space" in pictures and ">Step<" in parts["numbers"]["html"]
    assert "gn_show_heat" not in {str(getattr(w, "key", "")) for w in at.main}


def test_the_about_page_lists_the_gan_lab_and_what_it_offers(app_path):
    from ui.labs import GAN_LAB
    at = AppTest.from_file(app_path, default_timeout=60).run()
    at.switch_page("labs/home.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert GAN_LAB.description in text and not at.exception
    for tool in GAN_LAB.tools:
        assert tool[0].upper() + tool[1:] in text


def test_the_layer_editors_are_drawn_only_while_their_expander_is_open(app_path):
    """Closed, the two editors send nothing (every element costs the browser work per frame);
    opened, they are there, and the stacks survive either way."""
    at = open_lab(app_path, g="dense:32:relu", d="dense:16:tanh")
    assert not at.exception
    assert not [t for t in at.text_input if "gn_g_" in str(t.key) or "gn_d_" in str(t.key)]
    at.session_state["gn_networks_open"] = True
    at.run()
    keys = {str(t.key) for t in at.text_input}
    assert any(key.startswith("gn_g_") for key in keys) and any(key.startswith("gn_d_")
                                                                  for key in keys)
    at.session_state["gn_networks_open"] = False
    at.run()
    spec = trainer(at).spec
    assert (spec.g_layers[0].units, spec.d_layers[0].activation) == (32, "tanh")
