"""Alembic environment: the URL comes from the caller (bot.db.alembic_config), never a file.

On SQLite the whole upgrade is one explicit transaction. pysqlite runs DDL outside any
transaction, each statement committed by itself, so a process killed between two statements of
a migration left its tables without its revision ("table … already exists" at every start after);
SQLite's DDL is transactional, so one BEGIN … COMMIT makes the upgrade all or nothing
(tests/crash/test_orders.py). PostgreSQL's DDL is transactional through alembic already."""

from alembic import context

from bot.db import Base, database_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with database_engine(url).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            driver = connection.connection.driver_connection
            driver.isolation_level = None  # pysqlite then begins and commits nothing by itself: the BEGIN below does
            connection.exec_driver_sql("BEGIN")
        try:
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            if sqlite:
                driver.isolation_level = ""  # pysqlite's default again, for the pooled connection's next user
