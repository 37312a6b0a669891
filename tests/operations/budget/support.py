"""Layouts for the budget tests."""

from __future__ import annotations

from pathlib import Path


def layout(path: Path, weights: tuple[int, ...] = (60, 25, 15), **fields: int) -> Path:
    """A TOML layout of up to three regions with top-level ``fields``."""
    regions = ("us-east-1", "us-west-2", "eu-west-1")
    text = "".join(f"{k} = {v}\n" for k, v in fields.items())
    for i, weight in enumerate(weights):
        role = "primary" if i == 0 else "secondary"
        text += (
            f'\n[[regions]]\nregion = "{regions[i]}"\nrole = "{role}"\n'
            f'weight = {weight}\ncidr = "10.{i}.0.0/16"\n'
        )
    path.write_text(text)
    return path
