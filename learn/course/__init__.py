"""Learning paths, lesson checkpoints and mastery from evidence."""
