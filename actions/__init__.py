"""Custom actions (rasa_sdk): thin adapters over threshold_kb."""
