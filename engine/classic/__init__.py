"""Classic machine learning (scikit-learn) on exactly the network's split, for comparison."""
