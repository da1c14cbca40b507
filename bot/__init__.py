"""Channel side (web widget, Microsoft Teams); imported by Rasa only."""
