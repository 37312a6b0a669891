"""One construct module per AWS service; each takes attrs props and passes objects, not ARNs."""
