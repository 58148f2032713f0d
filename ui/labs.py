"""What each page of the app is and what each lab offers: one registry, read by the router
(app.py builds its st.Page list from it) and by the About page (which lists only what is here).

Light on purpose (no torch, no streamlit): the About page and the tests read it cheaply.
The page files live in `labs/`, not `pages/`: a `pages/` folder beside the entry script turns
on Streamlit's legacy multipage mode for the first sessions of a fresh server (see `Page`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from datasets import DATASETS
from engine.spec.presets import IMAGE_SETS, SEQUENCE_KINDS, SEQUENCE_SETS

PAGES_DIR = Path(__file__).resolve().parents[1] / "labs"


@dataclass(frozen=True)
class Page:
    """One page of the app: a lab, or a page that offers no data or layers (Lessons, About).

    `aliases` are extra URL paths that open this page (hidden from the menu), such as the
    page's file name: a person who types /image_lab means the image lab.
    """

    file: str                     # file name in labs/
    title: str
    url_path: str                 # "" for the default page (the app's root URL)
    icon: str                     # a Streamlit ":material/name:" icon (no emoji fonts needed)
    description: str              # one line, for the About page and the menu's tooltip
    datasets: tuple[str, ...] = ()      # names in datasets.DATASETS
    layers: tuple[str, ...] = ()        # layer kinds (engine.spec.layers) the lab's editor offers
    training: tuple[str, ...] = ()      # train settings (engine.spec.fields "train" names) it offers
    aliases: tuple[str, ...] = ()
    default: bool = False
    tools: tuple[str, ...] = ()         # what else the page offers, one phrase each (About)

    @property
    def script(self) -> Path:
        return PAGES_DIR / self.file

    @property
    def is_lab(self) -> bool:
        return bool(self.datasets)


# what both labs offer besides their views (each checked by a test of its own feature)
COMPARE_TOOL = ("compare two runs side by side on the same data and seed: run B changes any "
                "training setting or the network, curves overlaid, a verdict on the test data")
SHARED_TOOLS = ("download the experiment, its weights, its metrics or a standalone PyTorch "
                "script, and open them again",
                "presentation mode for a projector (larger views, keys P, S, E, 0)",
                COMPARE_TOOL)

PLAYGROUND = Page(
    file="playground.py", title="2D playground", url_path="", icon=":material/scatter_plot:",
    description="TensorFlow Playground on a live PyTorch model: 2D points, engineered input "
                "features, a dense network and its decision boundary, neuron by neuron.",
    datasets=tuple(name for name, info in DATASETS.items() if info.kind == "2d"),
    layers=("dense", "batchnorm", "dropout"),
    training=("lr", "optimizer", "momentum", "batch_size", "loss", "l1", "l2", "schedule",
              "epochs"),
    tools=("backpropagation under a microscope: one training point forward and backward, "
           "the chain rule in numbers, one update, weights edited by hand (while paused)",
           "the decision regions of six scikit-learn models on the same points, beside the "
           "network's",
           "draw your own points (two classes, or values) by clicking on the map",
           *SHARED_TOOLS),
    aliases=("playground",), default=True)

IMAGE_LAB = Page(
    file="image_lab.py", title="Image lab", url_path="images", icon=":material/image:",
    description="A convolutional network on small images: its feature maps, saliency, "
                "confusion matrix and mistakes, and a picture of your own (upload) to classify.",
    datasets=IMAGE_SETS,
    # The kinds in the image lab's layer editor (ui/controls/layer_editor.py reads them from here).
    layers=("conv2d", "maxpool2d", "avgpool2d", "batchnorm", "dropout", "flatten", "dense",
            "activation", "residual"),
    training=("lr", "optimizer", "momentum", "batch_size", "l2", "epochs"),
    tools=("data augmentation (shifts, rotations, scaling, mirroring where it keeps the class, "
           "noise, cutout) with a strip of what the network sees",
           "transfer learning: a network trained on digits 5–9 fine-tuned on a few images of "
           "digits 0–4, beside the same network trained from scratch",
           *SHARED_TOOLS),
    aliases=("image_lab",))

SEQUENCE_LAB = Page(
    file="sequence_lab.py", title="Sequence lab", url_path="sequences", icon=":material/timeline:",
    description="Recurrent networks (RNN, LSTM, GRU) and a tiny Transformer on series, memory "
                "tasks and toy text: hidden states, gates, gradients through time, attention.",
    datasets=SEQUENCE_SETS,
    # The kinds in the sequence lab's layer editor (the shared editor reads them from here).
    layers=SEQUENCE_KINDS,
    training=("lr", "optimizer", "momentum", "batch_size", "l2", "epochs"),
    tools=SHARED_TOOLS,
    aliases=("sequence_lab",))

DATA_LAB = Page(
    file="data_lab.py", title="Data lab", url_path="data", icon=":material/table_view:",
    description="Tables: bundled ones, a synthetic loan table with a biased group, or your own "
                "CSV; a dense network against classic machine learning on the same split.",
    datasets=("iris", "wine", "breast_cancer", "loan", "csv"),
    layers=("dense", "dropout", "batchnorm"),
    training=("lr", "optimizer", "momentum", "batch_size", "l2", "epochs"),
    tools=("classic machine learning on the same split: six scikit-learn models with test "
           "score, fit and predict time, parameters and how each explains itself",
           "learning curves: test score against training rows for the network and the "
           "classic models",
           "bias: accuracy, false positive and false negative rates per group of a sensitive "
           "column, and the gaps; remedies to toggle: balanced sampling and re-weighting",
           COMPARE_TOOL),
    aliases=("data_lab",))

LESSONS = Page(
    file="lessons.py", title="Lessons", url_path="lessons", icon=":material/school:",
    description="Guided lessons by topic: each opens a lab with a goal the app checks live, "
                "hints one at a time, and a note for instructors.")

GAN_LAB = Page(
    file="gan_lab.py", title="GAN lab", url_path="gan", icon=":material/auto_awesome:",
    description="A generative adversarial network on 2D points, GAN Lab's way: real and fake "
                "points, the discriminator's opinion, the generator's gradients, the manifold, "
                "and step-by-step training of either network.",
    layers=("dense",),
    tools=("step the discriminator only, the generator only, or both",
           "four losses (minimax, non-saturating, least squares, Wasserstein + gradient "
           "penalty) and diagnoses of mode collapse, a winning discriminator and oscillation",
           "draw your own target by clicking on the plane",
           "8×8 handwritten digits: a grid of generated digits and a walk through noise space",
           "compare two GANs on the same target: run B changes the loss, the rates, the "
           "optimizers or the networks; a verdict on whose fakes come closer"),
    aliases=("gan_lab", "generative"))
# Labs with no dataset of the catalogue (the GAN's targets are its own): routed and listed on
# the About page, but not in LABS, which lessons and the dataset table read.
OTHER_LABS: tuple[Page, ...] = (GAN_LAB,)

ABOUT = Page(
    file="home.py", title="About", url_path="about", icon=":material/info:",
    description="What this app is and what each lab offers.", aliases=("home",))

LABS: tuple[Page, ...] = (PLAYGROUND, IMAGE_LAB, SEQUENCE_LAB, DATA_LAB)
PAGES: tuple[Page, ...] = (*LABS, *OTHER_LABS, LESSONS, ABOUT)


def offered_datasets() -> tuple[str, ...]:
    """Every dataset some lab offers, in catalogue order."""
    offered = {name for lab in LABS for name in lab.datasets}
    return tuple(name for name in DATASETS if name in offered)
