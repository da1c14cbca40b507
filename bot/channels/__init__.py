"""Rasa input channels of this project: the web widget (socket.io) and Microsoft Teams."""
