"""From a ModelSpec to a torch model: layer modules, the shape plan and initialisation."""
