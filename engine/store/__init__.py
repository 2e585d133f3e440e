"""Persistence: SQLAlchemy models, the database engine and the unit of work."""
