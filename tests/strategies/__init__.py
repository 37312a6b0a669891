"""Hypothesis strategies, one module per domain (after attrs' tests/strategies.py).

Small composites with keyword knobs; valid data is generated valid rather than
filtered with ``assume``.
"""
