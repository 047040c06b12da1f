"""Test helpers, imported by tests and conftest files (a conftest defines fixtures only).

- ``settings``: settings for apps and servers under test (cheap Argon2, limits off)
- ``databases``: the migrated SQLite template; emptying a database between tests
- ``postgres``: PostgreSQL databases of the run's own, copied from a migrated template
- ``apps``: one running in-process app, reused while the settings stay the same
- ``api``: accounts, staff, chats and messages through an in-process app's HTTP API
- ``servers``: a real ``sunsupport serve`` process on a free port
- ``live``: a real server's users: accounts, staff from the CLI, WebSockets
- ``browser``: Playwright helpers over the pages' ``data-testid`` hooks
- ``bot``: asking the bot directly, and the data sets that measure it
"""
