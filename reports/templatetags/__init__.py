"""Template tags of the reports app."""
