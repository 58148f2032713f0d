"""AppTest of lessons: the list page, a lesson walked from open to 'goal met', switching
lessons in one session, leaving one, and hostile lesson links."""
from streamlit.testing.v1 import AppTest

from engine.lessons import load_catalog
from tests.pages.apps import open_2d

LESSONS = load_catalog().lessons
LIST = "labs/lessons.py"


def open_list(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=90)
    at.run()
    at.query_params.update(params)
    return at.switch_page(LIST).run()


def open_image_lesson(app_path, lesson: str):
    """The image lab opened by a link that holds only the lesson (as the list page's links
    do); the first run, on the default page, leaves that page's own link behind."""
    at = AppTest.from_file(app_path, default_timeout=90)
    at.run()
    at.query_params.clear()
    at.query_params["lesson"] = lesson
    return at.switch_page("labs/image_lab.py").run()


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning]
    parts += [h.value for h in at.subheader] + [str(p.proto.label) for p in at.get("page_link")]
    return "\n".join(parts)


def test_list_groups_by_topic_and_shows_progress_from_the_link(app_path):
    at = open_list(app_path, done="one-neuron,xor-feature-cross")
    assert not at.exception
    topics = [h.value for h in at.subheader]
    assert topics == list(dict.fromkeys(x.topic for x in LESSONS))
    text = texts(at)
    for lesson in LESSONS:
        assert f"{lesson.number}. {lesson.title}" in text and lesson.instructor in text
    assert "2 of 14 done" in at.get("progress")[0].proto.text or "2 of" in str(
        at.get("progress")[0].proto)
    links = [p for p in at.get("page_link") if "lesson" in p.proto.query_string]
    assert len(links) == len(LESSONS)
    assert at.session_state["lessons_done"] == ["one-neuron", "xor-feature-cross"]


def test_hostile_progress_in_the_link_is_a_plain_note(app_path):
    at = open_list(app_path, done="one-neuron,[x](https://evil.example),../../etc")
    assert not at.exception
    assert at.session_state["lessons_done"] == ["one-neuron"]
    assert any("does not have" in w.value for w in at.warning)
    assert not any("](" in w.value.replace("\\", "") and "https://" in w.value for w in at.warning)
    assert at.query_params["done"] in ("one-neuron", ["one-neuron"])


def test_a_lesson_from_open_to_goal_met(app_path):
    at = open_2d(app_path, lesson="xor-feature-cross")
    assert not at.exception
    assert at.session_state["pg_lesson"] == "xor-feature-cross"
    assert at.session_state["pg_trainer"].experiment.data.dataset == "xor"
    assert "network" in at.session_state["pg_hidden"]            # the lesson hides it
    assert "Lesson 3" in texts(at) and "Goal:" in texts(at)
    assert not at.success or not any("Goal met" in s.value for s in at.success)
    at.button(key="pg_hint").click().run()                        # one hint, not two
    assert at.session_state["pg_lesson_hints"] == 1 and "Hint 1." in texts(at)
    assert "Hint 2." not in texts(at)
    at.checkbox(key="pg_feat_x1x2").check().run()                 # the solution: X₁X₂
    for _ in range(10):
        at.button(key="pg_step_epoch").click().run()
        if any("Goal met" in s.value for s in at.success):
            break
    assert not at.exception
    assert any("Goal met" in s.value for s in at.success)
    assert "What to notice" in texts(at) and "Next: lesson 4" in texts(at)
    assert at.session_state["lessons_done"] == ["xor-feature-cross"]
    assert at.query_params["lesson"] in ("xor-feature-cross", ["xor-feature-cross"])
    assert at.query_params["done"] in ("xor-feature-cross", ["xor-feature-cross"])


def test_another_lesson_in_the_same_session_opens_afresh(app_path):
    at = open_2d(app_path, lesson="xor-feature-cross")
    at.button(key="pg_step_epoch").click().run()
    assert at.session_state["pg_trainer"].epoch == 1
    at.query_params.clear()
    at.query_params["lesson"] = "1"                               # "lesson 1" works too
    at.switch_page("labs/playground.py").run()
    assert not at.exception
    assert at.session_state["pg_lesson"] == "one-neuron"
    trainer = at.session_state["pg_trainer"]
    assert trainer.experiment.data.dataset == "gauss" and trainer.epoch == 0


def test_leaving_a_lesson_keeps_the_experiment(app_path):
    at = open_2d(app_path, lesson="one-neuron")
    at.button(key="pg_leave_lesson").click().run()
    assert not at.exception and at.session_state["pg_lesson"] is None
    assert "lesson" not in at.query_params
    assert at.session_state["pg_trainer"].experiment.data.dataset == "gauss"


def test_hostile_or_misplaced_lesson_links_are_notes(app_path):
    at = open_2d(app_path, lesson="<script>alert(1)</script>")
    assert not at.exception and at.session_state.get("pg_lesson") is None
    assert any("does not have" in w.value for w in at.warning)
    at = open_image_lesson(app_path, "xor-feature-cross")
    assert not at.exception
    assert any("lesson of the 2D playground" in w.value for w in at.warning)


def test_an_image_lab_lesson_opens_with_its_training_set(app_path):
    at = open_image_lesson(app_path, "more-data")
    assert not at.exception
    assert at.session_state["il_lesson"] == "more-data"
    assert len(at.session_state["il_trainer"].dataset.x_train) == 50
    assert "Lesson 10" in texts(at)
    assert at.query_params["ntr"] in ("50", ["50"])


def test_a_returning_student_sees_the_lesson_as_done_and_the_way_on(app_path):
    at = open_2d(app_path, lesson="one-neuron", done="one-neuron")
    assert not at.exception
    assert any("met this goal before" in c.value for c in at.caption)
    assert "Next: lesson 2" in texts(at)
    assert at.query_params["done"] in ("one-neuron", ["one-neuron"])
