"""Shared set-up of the benchmark scripts: production-like settings from the environment, one
PostgreSQL database given on the command line, and a guard for the test suite's database."""

from __future__ import annotations

import os
import secrets
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

# The test suite's database: the benchmarks never touch it.
FORBIDDEN = {"test"}
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhengwu_bench"


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or name in FORBIDDEN or name.startswith("test_"):
        raise SystemExit(f"refusing database {name!r}: it belongs to the test suite")
    return name


def ensure_database(url: str) -> bool:
    """Create the database if it does not exist; True if it was created."""
    name = database_name(url)
    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def setup(url: str) -> None:
    """Production settings (DEBUG off, database task queue, console SMS), then django.setup()."""
    database_name(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "*")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("SMS_BACKEND", "console")
    os.environ.setdefault("TASKS_BACKEND", "database")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.settings")
    import django

    django.setup()
