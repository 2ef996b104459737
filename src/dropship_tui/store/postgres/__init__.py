"""The PostgreSQL store (issue 11): ``store.PostgresStore`` over psycopg 3 and
psycopg_pool, sharing the SQLite store's queries through ``adapter``; ``schema`` holds
its migrations and the app role's grants. Opened by address (``store.opening``)."""
