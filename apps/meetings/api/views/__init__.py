"""Meeting endpoints, one module per part of the workflow."""
