"""Reading lesson files: TOML in `lessons/`, checked field by field before anything uses them.

An instructor copies a file and edits it, so every mistake gets a message naming the file and
the field: an unknown key (a typo), a wrong type, an unknown metric or event, a percentage
written as 90 instead of 0.9, a link whose experiment cannot be built. A link is checked with
the experiment's own strict reader (`Experiment.from_query(strict=True)`); what only a lab
knows (its hidden controls, the image lab's training-set size) the tests check with the labs'
own readers. No torch here: the lesson list loads in milliseconds.
"""
from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from urllib.parse import parse_qs

from engine.lessons.lesson import EVENTS, METRICS, Check, Lesson, SolutionStep
from engine.spec import Experiment, SpecError

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
RESERVED = ("lesson", "done")      # link keys the app itself writes
MAX_FILE = 64 * 1024               # bytes: a lesson is a page of text
LIMITS = MappingProxyType({"title": 80, "topic": 60, "goal": 300, "paragraph": 1000,
                          "hint": 500, "notice": 1000, "instructor": 1000, "link": 1000,
                          "say": 300})            # characters per text
MAX_ITEMS = MappingProxyType({"text": 6, "hints": 6, "check": 8, "solution": 6})
MAX_EPOCHS, MAX_BATCHES = 5_000, 1_000
GAN_LAB = "gan"                    # the generative lab reads links of its own (engine.gan.spec)
KEYS = ("id", "number", "topic", "title", "lab", "link", "goal", "text", "hints", "notice",
        "instructor", "check", "solution")


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Catalog:
    """Every lesson that loaded, in order, and one message per file that did not."""

    lessons: tuple[Lesson, ...]
    errors: tuple[str, ...]

    def get(self, key: str | None) -> Lesson | None:
        """The lesson with this id (or number, as an instructor may say 'lesson 4')."""
        for lesson in self.lessons:
            if key in (lesson.id, str(lesson.number)):
                return lesson
        return None

    def after(self, lesson: Lesson) -> Lesson | None:
        later = [x for x in self.lessons if x.number > lesson.number]
        return later[0] if later else None

    def topics(self) -> dict[str, list[Lesson]]:
        """Lessons grouped by topic, topics in the order of their first lesson."""
        out: dict[str, list[Lesson]] = {}
        for lesson in self.lessons:
            out.setdefault(lesson.topic, []).append(lesson)
        return out


def query(text: str) -> dict[str, list[str]]:
    """A link's query string as the labs read it (key -> every value given)."""
    return parse_qs(text.lstrip("?"), keep_blank_values=True)


def merged(lesson: Lesson, change: str) -> dict[str, list[str]]:
    """The lesson's link with a solution step's parameters on top."""
    return {**query(lesson.link), **query(change)}


def _fail(where: str, message: str) -> LessonError:
    return LessonError(f"{where}: {message}")


def _text(data: Mapping, key: str, where: str, limit: str | None = None) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"'{key}' must be non-empty text.")
    if len(value) > LIMITS[limit or key]:
        raise _fail(where, f"'{key}' is {len(value)} characters; keep it under "
                           f"{LIMITS[limit or key]}.")
    return value.strip()


def _texts(data: Mapping, key: str, where: str, limit: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_ITEMS[key]:
        raise _fail(where, f"'{key}' must be a list of 1 to {MAX_ITEMS[key]} texts.")
    return tuple(_text({key: v}, key, f"{where}, {key}[{i + 1}]", limit)
                 for i, v in enumerate(value))


def _bound(value: Any, where: str, metric: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(where, f"a bound must be a finite number, not {value!r}.")
    if METRICS[metric].unit == "percent" and not 0 <= value <= 1:
        raise _fail(where, f"'{metric}' is a share from 0 to 1 (write 0.9 for 90%), "
                           f"not {value!r}.")
    return float(value)


def _check(data: Any, where: str) -> Check:
    if not isinstance(data, Mapping):
        raise _fail(where, "each [[check]] must be a table.")
    if "event" in data:
        if set(data) != {"event"} or data["event"] not in EVENTS:
            raise _fail(where, f"an event check has only 'event', one of {', '.join(EVENTS)}.")
        return Check(event=data["event"])
    metric = data.get("metric")
    if metric not in METRICS:
        raise _fail(where, f"unknown metric {metric!r}; use one of {', '.join(METRICS)} (or "
                           f"'event' = one of {', '.join(EVENTS)}).")
    extra = set(data) - {"metric", "at_least", "at_most"}
    if extra or not {"at_least", "at_most"} & set(data):
        raise _fail(where, "a metric check has 'metric' and 'at_least' and/or 'at_most'"
                           + (f"; unknown: {', '.join(sorted(map(str, extra)))}." if extra
                              else "."))
    low = _bound(data["at_least"], where, metric) if "at_least" in data else None
    high = _bound(data["at_most"], where, metric) if "at_most" in data else None
    if low is not None and high is not None and low > high:
        raise _fail(where, "'at_least' is above 'at_most': no run can meet that.")
    return Check(metric=metric, at_least=low, at_most=high)


def _link(params: dict[str, list[str]], where: str, lab: str = "") -> None:
    """The experiment a link describes must build exactly (no repairs, no clamping)."""
    reserved = [k for k in RESERVED if k in params]
    if reserved:
        raise _fail(where, f"a lesson link may not set {', '.join(reserved)} (the app does).")
    if lab == GAN_LAB:
        _gan_link(params, where)
        return
    try:
        Experiment.from_query(params, strict=True)[0].validated()
    except SpecError as exc:
        raise _fail(where, str(exc)) from None


def _gan_link(params: dict[str, list[str]], where: str) -> None:
    """A generative-lab link: only its keys, and every value read without a repair."""
    from engine.gan.spec import FIELDS as GAN_FIELDS, LAYER_KEYS, GanSpec
    known = {f.key for f in GAN_FIELDS} | {key for key, _ in LAYER_KEYS.values()}
    unknown = sorted(set(params) - known)
    if unknown:
        raise _fail(where, f"the GAN lab reads no {', '.join(unknown)}; its keys are "
                           f"{', '.join(sorted(known))}.")
    notes = GanSpec.from_query(params)[1]
    if notes:
        raise _fail(where, notes[0])


def _solution(data: Any, lesson_link: str, where: str, lab: str = ""
              ) -> tuple[SolutionStep, ...]:
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_ITEMS["solution"]:
        raise _fail(where, f"'solution' must be 1 to {MAX_ITEMS['solution']} [[solution]] steps.")
    steps = []
    params = query(lesson_link)
    for i, step in enumerate(data):
        here = f"{where}, solution step {i + 1}"
        if not isinstance(step, Mapping) or set(step) - {"change", "epochs", "batches",
                                                         "reset", "say"}:
            raise _fail(here, "a step has 'change', 'epochs' or 'batches', 'reset' and 'say'.")
        if not isinstance(step.get("reset", False), bool):
            raise _fail(here, "'reset' is true or false.")
        change = step.get("change", "")
        if not isinstance(change, str) or len(change) > LIMITS["link"]:
            raise _fail(here, "'change' must be a short query string such as 'lr=0.03'.")
        params.update(query(change))        # each step changes the run the steps before left
        _link(params, here, lab)
        epochs, batches = step.get("epochs", 0), step.get("batches", 0)
        ok = [isinstance(n, int) and not isinstance(n, bool) for n in (epochs, batches)]
        if not all(ok) or bool(epochs) == bool(batches) or not (
                0 <= epochs <= MAX_EPOCHS and 0 <= batches <= MAX_BATCHES):
            raise _fail(here, f"give exactly one of 'epochs' (1 to {MAX_EPOCHS}) or "
                              f"'batches' (1 to {MAX_BATCHES}).")
        say = _text(step, "say", here) if "say" in step else ""
        steps.append(SolutionStep(change, epochs, batches, step.get("reset", False), say))
    return tuple(steps)


def parse_lesson(text: str, source: str = "<lesson>") -> Lesson:
    """One lesson from the text of its TOML file; LessonError says what is wrong and where."""
    if len(text.encode("utf-8", "replace")) > MAX_FILE:
        raise _fail(source, f"the file is over {MAX_FILE // 1024} KB; a lesson is a page.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, f"not valid TOML ({exc}).") from None
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise _fail(source, f"unknown key(s) {', '.join(map(repr, unknown))}; a lesson has "
                            f"{', '.join(KEYS)}.")
    ident = data.get("id")
    if not isinstance(ident, str) or not SLUG.match(ident):
        raise _fail(source, "'id' must be a short slug: lower-case letters, digits and '-'.")
    where = f"{source} ({ident})"
    number = data.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999:
        raise _fail(where, "'number' must be a whole number from 1 to 999.")
    lab = data.get("lab")
    if not isinstance(lab, str) or not SLUG.match(lab):
        raise _fail(where, "'lab' must name a lab, such as 'playground' or 'images'.")
    link = data.get("link")
    if not isinstance(link, str) or len(link) > LIMITS["link"]:
        raise _fail(where, "'link' must be the query string the lab opens, such as "
                           "'ds=xor&net=dense:4:tanh'.")
    _link(query(link), f"{where}, link", lab)
    checks = data.get("check")
    if not isinstance(checks, list) or not 1 <= len(checks) <= MAX_ITEMS["check"]:
        raise _fail(where, f"the goal needs 1 to {MAX_ITEMS['check']} [[check]] tables.")
    return Lesson(
        id=ident, number=number, topic=_text(data, "topic", where),
        title=_text(data, "title", where), lab=lab, link=link.lstrip("?"),
        goal=_text(data, "goal", where),
        checks=tuple(_check(c, f"{where}, check {i + 1}") for i, c in enumerate(checks)),
        text=_texts(data, "text", where, "paragraph"),
        hints=_texts(data, "hints", where, "hint"),
        notice=_text(data, "notice", where), instructor=_text(data, "instructor", where),
        solution=_solution(data.get("solution"), link, where, lab), source=source)


def load_catalog(folder: Path = LESSONS_DIR) -> Catalog:
    """Every `*.toml` lesson in `folder`, by number; a file that fails is reported, not fatal
    (an instructor's half-edited copy must not take the other lessons down)."""
    lessons: list[Lesson] = []
    errors: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            lesson = parse_lesson(path.read_text(encoding="utf-8"), path.name)
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(f"{path.name}: cannot be read ({exc}).")
            continue
        except LessonError as exc:
            errors.append(str(exc))
            continue
        clash = next((x for x in lessons if lesson.id == x.id or lesson.number == x.number),
                     None)
        if clash is not None:
            errors.append(f"{path.name}: id or number already used by {clash.source}; "
                          "skipped.")
            continue
        lessons.append(lesson)
    return Catalog(tuple(sorted(lessons, key=lambda x: x.number)), tuple(errors))
