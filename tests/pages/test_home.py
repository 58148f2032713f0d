"""AppTest of the About page: it starts, routes, and promises only what the labs offer."""
import re

from streamlit.testing.v1 import AppTest

from datasets import DATASETS
from engine.lessons import load_catalog
from ui.labs import ABOUT, IMAGE_LAB, LABS, LESSONS, PAGES, SEQUENCE_LAB, offered_datasets


def open_about(app_path):
    at = AppTest.from_file(app_path, default_timeout=60).run()
    at.switch_page("labs/home.py").run()
    assert not at.exception
    return at


def page_text(at) -> str:
    parts = [t.value for t in at.title] + [h.value for h in at.subheader]
    parts += [m.value for m in at.markdown]
    parts += [str(link.proto.label) for link in at.get("page_link")]
    for frame in at.dataframe:
        parts += [" ".join(map(str, row)) for row in frame.value.itertuples(index=False)]
    return "\n".join(parts)


def test_app_starts_and_shows_welcome(app_path):
    at = open_about(app_path)
    assert any("NN Playground" in t.value for t in at.title)
    assert "What you can do here" in " ".join(h.value for h in at.subheader)
    assert "Play" in page_text(at)


def test_about_lists_each_lab_and_each_offered_dataset(app_path):
    text = page_text(open_about(app_path))
    for lab in LABS:
        assert lab.title in text and lab.description in text
    for name in offered_datasets():
        assert DATASETS[name].title in text
    assert LESSONS.description in text and f"{len(load_catalog().lessons)} lessons" in text
    table = open_about(app_path).dataframe[0].value
    assert list(table["dataset"]) == [DATASETS[n].title for n in offered_datasets()]


def test_about_promises_nothing_the_labs_do_not_offer(app_path):
    text = page_text(open_about(app_path))
    for absent in ("early stopping", "Early stop", "JSON"):
        assert not re.search(re.escape(absent), text, re.IGNORECASE), absent
    offered = {name for lab in LABS for name in lab.datasets}
    for name, info in DATASETS.items():          # tabular sets: no lab yet
        if name not in offered:
            assert info.title not in text, info.title


def test_registry_matches_the_labs():
    from ui.controls.layer_editor import KINDS      # imports torch: only here, not in ui.labs
    from ui.controls.playground import DATA_2D
    from engine.spec.presets import IMAGE_SETS, SEQUENCE_KINDS, SEQUENCE_SETS
    assert IMAGE_LAB.layers == KINDS
    assert SEQUENCE_LAB.layers == SEQUENCE_KINDS and SEQUENCE_LAB.datasets == SEQUENCE_SETS
    assert LABS[0].datasets == DATA_2D and IMAGE_LAB.datasets == IMAGE_SETS
    assert [p.url_path for p in PAGES] == ["", "images", "sequences", "data", "gan", "lessons",
                                           "about"]
    assert ABOUT not in LABS and LESSONS not in LABS
    for page in PAGES:
        assert page.script.exists() and page.icon.startswith(":material/")


def test_each_tool_the_about_page_names_is_on_its_lab(app_path):
    """The About page's extra lines are promises: each must match a control on that lab."""
    from tests.pages.apps import open_2d, open_images
    from tests.pages.test_data_lab import open_lab as open_data
    from tests.pages.test_sequence_lab import open_lab as open_sequences
    from ui.labs import DATA_LAB, SEQUENCE_LAB

    text = page_text(open_about(app_path))
    controls = {"microscope": "{p}_micro", "download": "{p}_download_json",
                "presentation mode": "present", "classic machine learning": "{p}_fit_baselines",
                "learning curves": "{p}_learning_curve", "per group": "{p}_positive",
                "decision regions of six": "{p}_classic2d", "compare two runs": "{p}_compare",
                "draw your own": "{p}_pick_draw", "data augmentation": "{p}_train_aug_shift",
                "transfer learning": "{p}_tr_k", "re-weighting": "{p}_reweigh"}
    labs = ((LABS[0], open_2d(app_path), "pg"), (IMAGE_LAB, open_images(app_path), "il"),
            (SEQUENCE_LAB, open_sequences(app_path), "sq"),
            (DATA_LAB, open_data(app_path, ds="loan"), "dl"))
    assert {lab.title for lab, _, _ in labs} == {lab.title for lab in LABS}
    for lab, at, prefix in labs:
        assert not at.exception
        keys = {str(getattr(w, "key", "")) for w in at.main} | set(at.session_state)
        keys |= {str(getattr(w, "key", "")) for w in at.sidebar}
        for tool in lab.tools:
            assert tool[0].upper() + tool[1:] in text
            words = [word for word in controls if word in tool.lower()]
            assert words, f"no check for the About line {tool!r}"
            for word in words:
                key = controls[word].format(p=prefix)
                assert key in at.session_state or key in keys, (lab.title, tool)
