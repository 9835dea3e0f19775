"""Election Warehouse: election articles → validated DuckDB warehouse, run by Dagster.

The folders follow the data: ``text`` (article text → document model), ``tables``
(→ typed tables), ``checks`` (data-quality rules), ``warehouse`` (→ DuckDB, and what
analysts take out of it); ``defs`` is the Dagster shell around them and ``cli`` the
``elections`` command.
"""
