"""Scale and speed: a synthetic corpus generator with ground truth, and the stage benchmark."""
