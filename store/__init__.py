"""The store: SQLAlchemy models, migrations and queries. Imports nothing of ours."""
