"""AppTest of "Draw your own" on the 2D playground (issue #13): pick it, click on the map (the
painter's event, put in session state as the browser would), Undo, Clear, erase, the link."""
from datasets.drawn import DEFAULT_DRAWN, DEFAULT_DRAWN_VALUES, parse_drawn
from tests.pages.apps import open_2d
from tests.painter_frames import painter_frame

N_EXAMPLE = len(DEFAULT_DRAWN.split(";"))


def trainer(at):
    return at.session_state["pg_trainer"]


def n_points(at) -> int:
    ds = trainer(at).dataset
    return len(ds.x_train) + len(ds.x_test)


def click(at, x, y, cid, erase=False):
    """What the painter's "draw" trigger leaves in the component's state after a click."""
    at.session_state["pg_painter"] = {"draw": {"id": cid, "xy": [x, y], "erase": erase}}
    return at.run()


def link(at) -> str:
    value = at.query_params["draw"]
    return value[-1] if isinstance(value, list) else value


def test_pick_draw_then_click_undo_erase_and_clear(app_path):
    at = open_2d(app_path)
    assert "draw" not in at.query_params                     # the circle: no drawing in the link
    at.button(key="pg_pick_draw").click().run()
    assert not at.exception and trainer(at).dataset.name == "draw"
    assert n_points(at) == N_EXAMPLE and link(at) == DEFAULT_DRAWN
    labels = [w.label for w in at.sidebar.slider]
    assert "Noise" not in labels and "Samples" not in labels   # they do not apply to a drawing
    frame = painter_frame(at)
    assert frame["draw"] == {"extent": [-6.0, 6.0, -6.0, 6.0]}
    assert sum(p["n"] for p in frame["points"]) == N_EXAMPLE   # test points shown as rings
    first = trainer(at)
    click(at, 5.0, 5.0, "c1")                                  # orange, the default colour
    assert n_points(at) == N_EXAMPLE + 1 and trainer(at) is not first
    assert link(at).endswith("5.00,5.00,0") and not at.exception
    click(at, 5.0, 5.0, "c1")                                  # the same click again: once only
    assert n_points(at) == N_EXAMPLE + 1
    at.radio(key="pg_draw_mode").set_value("blue").run()
    click(at, -5.0, 5.0, "c2")
    assert link(at).endswith("-5.00,5.00,1") and n_points(at) == N_EXAMPLE + 2
    click(at, -4.8, 5.1, "c3", erase=True)                     # shift-click: the nearest goes
    assert n_points(at) == N_EXAMPLE + 1 and "-5.00,5.00,1" not in link(at)
    at.button(key="pg_draw_undo_btn").click().run()            # undo the erase
    assert link(at).endswith("-5.00,5.00,1")
    at.button(key="pg_draw_undo_btn").click().run()            # ... and the blue point
    at.button(key="pg_draw_undo_btn").click().run()            # ... and the orange one
    assert link(at) == DEFAULT_DRAWN and n_points(at) == N_EXAMPLE
    assert any(f"Your drawing: {N_EXAMPLE} points" in c.value for c in at.caption)
    at.button(key="pg_draw_clear").click().run()
    assert "click on the plane" in " ".join(e.value for e in at.error)
    assert trainer(at).dataset.name == "draw"                  # the last drawing that worked
    for i, (x, y, c) in enumerate([(1, 1, "orange"), (-1, -1, "orange"), (2, -2, "blue")]):
        at.radio(key="pg_draw_mode").set_value(c).run()
        click(at, x, y, f"d{i}")
    frame = painter_frame(at)
    assert [p["n"] for p in frame["points"]] == [3]             # still too few: shown as drawn
    click(at, -2, 2, "d3")
    assert not at.error and n_points(at) == 4 and not at.exception
    assert len(trainer(at).dataset.x_train) == 2               # the training share (0.5)


def test_a_shared_drawing_opens_and_a_hostile_one_is_noted(app_path):
    drawing = "1.00,1.00,0;-1.00,-1.00,0;2.00,-2.00,1;-2.00,2.00,1;3.00,3.00,1"
    at = open_2d(app_path, ds="draw", draw=drawing)
    assert not at.exception and not at.warning and n_points(at) == 5
    assert link(at) == drawing
    at = open_2d(app_path, ds="draw", draw=drawing + ";99,0,1;1,1,7;junk")
    assert not at.exception and n_points(at) == 5
    assert "left out 3 of 8 points" in " ".join(w.value for w in at.warning)
    at = open_2d(app_path, ds="draw", draw="1,1,0")
    assert not at.exception and n_points(at) == N_EXAMPLE       # too few: the example opens
    assert "click on the plane" in " ".join(w.value for w in at.warning)
    points, _, _ = parse_drawn(link(at))
    assert len(points) == N_EXAMPLE


def test_draw_your_own_values_for_regression(app_path):
    at = open_2d(app_path, ds="draw")
    click(at, 5.0, 5.0, "c1")                                  # a class drawing of its own
    classes = link(at)
    at.segmented_control(key="pg_problem").set_value("regression").run()
    at.button(key="pg_pick_draw_reg").click().run()
    assert not at.exception and trainer(at).dataset.name == "draw_reg"
    assert trainer(at).dataset.task == "regression" and not at.error
    assert link(at) == DEFAULT_DRAWN_VALUES and n_points(at) == N_EXAMPLE
    at.slider(key="pg_draw_value").set_value(-0.3).run()
    click(at, 2.0, -3.0, "v1")
    assert link(at).endswith("2.00,-3.00,-0.3") and n_points(at) == N_EXAMPLE + 1
    assert any(abs(v + 0.3) < 1e-6 for v in
               list(trainer(at).dataset.y_train) + list(trainer(at).dataset.y_test))
    at.radio(key="pg_draw_mode_values").set_value("erase").run()
    click(at, 2.1, -3.1, "v2")
    assert link(at) == DEFAULT_DRAWN_VALUES
    at.segmented_control(key="pg_problem").set_value("classification").run()
    at.button(key="pg_pick_draw").click().run()                # each set keeps its drawing
    assert link(at) == classes and not at.exception
