"""Widgets that write an Experiment's values: one helper per spec field, the layer editors."""
