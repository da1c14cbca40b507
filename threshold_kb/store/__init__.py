"""Persistence for the knowledge base: SQL (SQLite by default, any SQLAlchemy URL) or memory."""
