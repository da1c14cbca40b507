"""Matching a practitioner's worry against an authority's indicators (pure Python)."""
