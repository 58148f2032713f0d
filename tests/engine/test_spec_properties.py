"""Property tests: whatever a link, a typed layer list or a file holds, the spec answers with a
SpecError (one short line) or a valid Experiment, never any other exception.

Derandomized, so CI draws the same examples every run; a failure prints the example.
"""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datasets.drawn import DEFAULT_DRAWN
from engine.model.build import plan_model, stack_text_problems
from engine.spec import Experiment, LayerSpec, SpecError, layers_from_text
from engine.spec.experiment import ModelSpec
from engine.spec.fields import ACTIVATION_NAMES, FIELDS, MODEL_URL_KEY
from engine.spec.layers import LAYER_KINDS, LAYER_PARAMS, check_layer, layers_to_text, make_layer
from engine.spec.limits import LIMITS

PROPERTY = settings(max_examples=250, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
URL_KEYS = [f.url for f in FIELDS] + [MODEL_URL_KEY]
CHOICES = sorted({c for f in FIELDS for c in f.choices})
PARAMS = sorted({p for params in LAYER_PARAMS.values() for p in params})
SHAPES = [(2,), (7,), (1, 8, 8), (3, 28, 28), (20, 1), (12, 4)]


def assert_spec_error(exc: SpecError) -> None:
    text = str(exc)
    assert text and "\n" not in text and len(text) < 1000, text   # the CLI's one line


def valid_or_refused(read, text: str) -> Experiment | None:
    """`read(text)`: a valid experiment, or None after a one-line SpecError; nothing else."""
    try:
        exp = read(text)
    except SpecError as exc:
        assert_spec_error(exc)
        return None
    assert_valid(exp)
    return exp


def assert_valid(exp: Experiment) -> None:
    assert isinstance(exp, Experiment)
    exp.validated()
    assert Experiment.from_json(exp.to_json()) == exp                # files round-trip
    assert Experiment.from_query(exp.to_query(), strict=True)[0] == exp   # and links


# ---- (a) links ------------------------------------------------------------------------------
numberish = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "nan", "-inf", "1e999", "1e-999", "0x10", "1_000", "٣", "²",
                     "9" * 400, "-0", "+5", " 7 ", "1.5", "True", "None"]))
query_text = st.one_of(numberish, st.sampled_from(CHOICES), st.text(max_size=30),
                       st.lists(st.sampled_from(CHOICES), max_size=4).map(",".join),
                       st.text(alphabet="dense:4,tanhconv2d8relu", max_size=40),
                       st.just("x" * 3000))
query_value = st.one_of(query_text, st.lists(query_text, max_size=3))
query = st.dictionaries(st.one_of(st.sampled_from(URL_KEYS), st.text(max_size=6)), query_value,
                        max_size=8)


@PROPERTY
@given(query)
def test_from_query_is_lenient_and_always_valid(params):
    exp, warnings = Experiment.from_query(params)        # lenient: never raises
    assert all(isinstance(w, str) and w for w in warnings)
    assert_valid(exp)


@PROPERTY
@given(query)
def test_strict_from_query_is_valid_or_spec_error(params):
    try:
        exp, warnings = Experiment.from_query(params, strict=True)
    except SpecError as exc:
        assert_spec_error(exc)
        return
    assert warnings == []
    assert_valid(exp)


# ---- (b) typed layer lists --------------------------------------------------------------------
token = st.one_of(st.sampled_from(LAYER_KINDS), st.sampled_from(ACTIVATION_NAMES),
                  st.sampled_from([":", ",", " ", "0", "1", "2", "3", "8", "16", "1024", "1025",
                                   "0.5", "1e9", "-1", "nan", "inf", "9" * 50, "é", "\n",
                                   "\u00a0", "٣", "dense:4:tanh", "conv2d:8:3:1:1:relu"]),
                  st.text(max_size=3))
soup = st.lists(token, max_size=30).map("".join)
def param_value(name):
    if name == "activation":
        return st.sampled_from(ACTIVATION_NAMES)
    lo, hi = LIMITS[name]
    if name == "rate":
        return st.floats(lo, hi)
    return st.integers(lo, min(hi, 64)) | st.sampled_from([lo, hi])


layer_dict = st.sampled_from(LAYER_KINDS).flatmap(lambda kind: st.fixed_dictionaries(
    {"kind": st.just(kind)}, optional={p: param_value(p) for p in LAYER_PARAMS[kind]}))
valid_layer_text = layer_dict.map(lambda d: layers_to_text((make_layer(**d),)))
layer_text = st.one_of(                  # a list of mostly real layers, or any soup of tokens
    st.lists(valid_layer_text | valid_layer_text | soup, max_size=8).map(",".join), soup,
    st.sampled_from([",".join(["dense:2"] * (LIMITS["layers"][1] + 1)), "dense:" + "9" * 1990,
                     "dense:" + "9" * 3000]))


@PROPERTY
@given(layer_text)
def test_layers_from_text_is_valid_or_spec_error(text):
    try:
        layers = layers_from_text(text)
    except SpecError as exc:
        assert_spec_error(exc)
        return
    assert len(layers) <= LIMITS["layers"][1]
    for layer in layers:
        check_layer(layer)


@PROPERTY
@given(layer_text, st.sampled_from(SHAPES), st.integers(1, 10))
def test_stack_text_problems_lists_strings_and_agrees_with_the_parser(text, shape, n_out):
    problems = stack_text_problems(text, shape, n_out)
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)
    try:
        plan_model(ModelSpec(layers_from_text(text)), shape, n_out)
    except SpecError:
        assert problems, text
    else:
        assert problems == [], text


# ---- (c) files ----------------------------------------------------------------------------------
leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10), st.sampled_from(CHOICES), st.sampled_from(LAYER_KINDS),
    st.sampled_from([0, 1, 2, 4, 8, 0.5, 0.03, -1, 2**31, 2**63, 10**400, -10**400, 1e308,
                     "4", "0.1", "x1,x2", ""]))
json_value = st.recursive(leaf, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)),
    max_leaves=12)


def field_value(f):
    """Values a real file holds for one setting: in range or on the bounds."""
    if f.type is tuple:
        return st.lists(st.sampled_from(f.choices), max_size=3, unique=True)
    if f.choices:
        return st.sampled_from(f.choices)
    if f.clean is not None:                        # a drawing: none, a small one, the example
        return st.sampled_from(["", "1.00,1.00,0;-1.00,-1.00,0;2.00,-2.00,1;-2.00,2.00,1",
                                DEFAULT_DRAWN]) | st.text(max_size=30)
    lo, hi = f.bounds
    if f.type is int:
        return st.integers(lo, hi) | st.sampled_from([lo, hi])
    return st.floats(lo, hi) | st.sampled_from([lo, hi])


def section(name):
    return st.fixed_dictionaries({}, optional={f.name: field_value(f) for f in FIELDS
                                               if f.section == name})


realistic = st.fixed_dictionaries({}, optional={
    "data": section("data"), "train": section("train"),
    "model": st.fixed_dictionaries({"layers": st.lists(layer_dict | valid_layer_text,
                                                       max_size=4)})})
hostile = json_value | leaf | layer_text


@st.composite
def experiment(draw):
    """A realistic experiment with up to three hostile changes: a value, a layer, a parameter,
    a section or the whole file swapped for random JSON, or a key added or removed."""
    doc = draw(realistic)
    for _ in range(draw(st.integers(0, 3))):
        if not isinstance(doc, dict):
            break
        where = draw(st.sampled_from(["top key", "section", "setting", "setting", "new setting",
                                      "layers", "layer", "param", "param", "drop", "doc"]))
        model = doc.get("model")
        layers = model.get("layers") if isinstance(model, dict) else None
        if where == "doc":
            doc = draw(hostile)
        elif where == "top key":
            doc[draw(st.sampled_from(["data", "model", "train"]) | st.text(max_size=4))] = \
                draw(hostile)
        elif where in ("section", "setting", "new setting", "drop"):
            name = draw(st.sampled_from(["data", "train", "model"]))
            part = doc.setdefault(name, {})
            if where == "section" or not isinstance(part, dict):
                doc[name] = draw(hostile)
            elif where == "drop" and part:
                del part[draw(st.sampled_from(sorted(part)))]
            elif where == "new setting":
                part[draw(st.text(max_size=6))] = draw(hostile)
            else:
                keys = [f.name for f in FIELDS if f.section == name] or ["layers"]
                part[draw(st.sampled_from(keys))] = draw(hostile)
        elif isinstance(layers, list):
            if where == "layers":
                model["layers"] = draw(hostile)
            elif layers and where == "layer":
                layers[draw(st.integers(0, len(layers) - 1))] = draw(hostile)
            elif layers and isinstance(layers[-1], dict):
                layers[-1][draw(st.sampled_from(["kind", *PARAMS]) | st.text(max_size=4))] = \
                    draw(hostile)
    return doc


def from_dict_or_spec_error(data):
    try:
        exp = Experiment.from_dict(data)
    except SpecError as exc:
        assert_spec_error(exc)
        return None
    assert_valid(exp)
    return exp


@PROPERTY
@given(experiment())
def test_from_dict_is_valid_or_spec_error(data):
    from_dict_or_spec_error(data)


@PROPERTY
@given(experiment())
def test_from_json_agrees_with_from_dict(data):
    exp = valid_or_refused(Experiment.from_json, json.dumps(data))   # NaN, Infinity: floats
    if exp is not None:
        assert exp == Experiment.from_dict(data)


@PROPERTY
@given(st.one_of(st.text(max_size=200),
                 experiment().map(json.dumps).flatmap(
                     lambda t: st.integers(0, len(t)).map(lambda i: t[:i])),   # truncated
                 st.sampled_from(['{"train": {"lr": NaN}}', '{"data": {"noise": -Infinity}}',
                                  "[" * 5000, '{"a":' * 3000, "1" * 5000, "-" + "9" * 40,
                                  '{"train": {"epochs": 1' + "0" * 31 + "}}"])))
def test_from_json_on_any_text_is_valid_or_spec_error(text):
    valid_or_refused(Experiment.from_json, text)


def test_huge_python_ints_are_spec_errors():
    for value in (10**5000, -10**5000, 2**10000):
        assert from_dict_or_spec_error({"train": {"epochs": value}}) is None
        assert from_dict_or_spec_error({"data": {"noise": value}}) is None
        assert from_dict_or_spec_error({"model": {"layers": [{"kind": "dense",
                                                              "units": value}]}}) is None
    assert from_dict_or_spec_error({"train": {"lr": float("nan")}}) is None
    assert from_dict_or_spec_error({"model": {"layers": [LayerSpec("dense", units=True)]}}) is None
