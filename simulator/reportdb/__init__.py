"""Reporting as tables: what ICON's IDB and Genesys Info Mart would hold after a run.

``schema`` defines the tables once (SQLite and PostgreSQL DDL from the same
definition), ``idb`` builds ICON's rows from the journal, ``gim`` Info Mart's from
ICON's, and ``sqlite`` writes them as the run's ``reporting.sqlite``. The column
names and meanings follow Genesys' documentation as collected in
``reference/icon-gim-reporting.md`` §7; only the columns tsim can fill truthfully
are kept, and tsim's own columns carry a ``tsim_`` prefix.
"""
