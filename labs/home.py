"""About page: what the playground is and what each lab offers, read from ui.labs (so it
promises only what the labs really have)."""
import streamlit as st

from datasets import DATASETS
from engine.spec.fields import ACTIVATION_NAMES, FIELDS_BY_NAME, friendly
from ui.labs import LABS, LESSONS, OTHER_LABS, offered_datasets
from ui.lessons import catalog


def _names(items) -> str:
    return ", ".join(f"`{item}`" for item in items)


def _setting(name: str) -> str:
    field = FIELDS_BY_NAME[("train", name)]
    return (f"{field.label} ({', '.join(map(friendly, field.choices))})" if field.choices
            else field.label)


def home() -> None:
    st.title("NN Playground")
    st.markdown(
        "See neural networks learn, live, on real PyTorch models. Pick a dataset, build a "
        "layer stack, press **Play** and watch the loss fall and the network change as it "
        "learns. A page's address is a link to its exact experiment: copy it to share.")
    st.subheader("What you can do here")
    for lab in LABS:
        st.page_link(str(lab.script), label=f"**{lab.title}**", icon=lab.icon)
        training = [_setting(name) for name in lab.training]
        st.markdown(
            f"{lab.description}\n\n"
            f"- **Datasets**: {', '.join(DATASETS[name].title for name in lab.datasets)}\n"
            f"- **Layers**: {_names(lab.layers)}, with {len(ACTIVATION_NAMES)} activation "
            f"functions ({', '.join(map(friendly, ACTIVATION_NAMES))})\n"
            f"- **Training settings**: {', '.join(training)}"
            + "".join(f"\n- {tool[0].upper()}{tool[1:]}" for tool in lab.tools))
    for lab in OTHER_LABS:         # labs with their own data (the GAN's 2D targets)
        st.page_link(str(lab.script), label=f"**{lab.title}**", icon=lab.icon)
        st.markdown(f"{lab.description}\n\n- **Layers**: {_names(lab.layers)}"
                    + "".join(f"\n- {tool[0].upper()}{tool[1:]}" for tool in lab.tools))
    st.page_link(str(LESSONS.script), label=f"**{LESSONS.title}**", icon=LESSONS.icon)
    topics = catalog().topics()
    st.markdown(f"{LESSONS.description}\n\n"
                f"- **{sum(map(len, topics.values()))} lessons** on: {', '.join(topics)}")
    st.subheader("Datasets")
    rows = [{"dataset": DATASETS[name].title, "kind": DATASETS[name].kind,
             "task": DATASETS[name].task,
             "lab": ", ".join(lab.title for lab in LABS if name in lab.datasets),
             "offline": "yes" if not DATASETS[name].needs_download else "download once",
             "what it is": DATASETS[name].description}
            for name in offered_datasets()]
    st.dataframe(rows, hide_index=True, width="stretch")


home()
