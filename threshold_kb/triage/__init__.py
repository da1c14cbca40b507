"""Triage by the documents' own questions: the level, decided by asking (decide.py)."""
