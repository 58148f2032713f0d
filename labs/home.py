"""Welcome page: what the playground is and what a visitor can do here."""
import streamlit as st

from datasets import DATASETS


def home() -> None:
    st.title("NN Playground")
    st.markdown(
        "See neural networks learn, live, on real PyTorch models. Pick a dataset, build a "
        "layer stack, press **Play** and watch the loss fall, the decision boundary bend and "
        "every neuron find its job.")
    st.subheader("What you can do here")
    st.markdown(
        "- **Explore 2D data** like TensorFlow Playground: circles, spirals, XOR, multi-class "
        "blobs, regression planes, with engineered features such as X₁² and sin(X₁).\n"
        "- **Build any stack**: dense, convolution, pooling, dropout, batch/layer norm, RNN, "
        "LSTM, GRU, self-attention and residual blocks, with 11 activation functions.\n"
        "- **Train your way**: SGD, momentum, Nesterov, Adam, AdamW, RMSprop; cross-entropy, "
        "MSE, Huber; L1/L2; learning-rate schedules; early stopping.\n"
        "- **Look inside**: every layer's activations, gradients and weights.\n"
        "- **Share**: an experiment is one small JSON file, or one link.")
    st.subheader("Datasets available offline")
    rows = [{"dataset": info.title, "kind": info.kind, "task": info.task,
             "what it is": info.description}
            for info in DATASETS.values() if not info.needs_download]
    st.dataframe(rows, hide_index=True, width="stretch")


home()
