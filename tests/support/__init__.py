"""Test helpers: imported by tests and conftest files, never defined in a conftest.

- ``settings``: settings for a test app (cheap Argon2, limits off)
- ``databases``: the migrated SQLite template and resetting a database between tests
- ``postgres``: a PostgreSQL database of the run's own
- ``apps``: one running app reused while the settings stay the same
- ``api``: accounts, staff, chats and messages through the HTTP API
- ``servers``: a real ``sunsupport serve`` process
"""
