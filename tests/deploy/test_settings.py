from __future__ import annotations

from learn.settings import database_from_url


def test_a_sqlite_database_url_gets_the_same_concurrency_settings_as_the_default():
    # Found by the load benchmark: sqlite:/// URLs had Django's defaults, and concurrent answers hit
    # "database is locked" (500s).
    config = database_from_url("sqlite:////tmp/x.sqlite3")
    assert config["NAME"] == "/tmp/x.sqlite3"
    from learn.settings import BASE_DIR

    assert database_from_url("sqlite:///data/y.sqlite3")["NAME"] == BASE_DIR / "data" / "y.sqlite3"
    assert (
        config["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    )


def test_a_postgres_url_is_parsed():
    config = database_from_url("postgres://u:p%40ss@db.example:6543/triggerlab")
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "6543",
        "triggerlab",
    )
