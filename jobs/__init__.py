"""Background jobs: every unit of work of the pipeline as a Procrastinate task, a schedule in
code, ``probity worker`` (PostgreSQL, any number of machines) and ``probity run --once`` (in
process, the embedded SQLite default). A surface like ``api``: it calls the stages' plain
functions and neither imports the other surface (pyproject.toml, import-linter)."""
