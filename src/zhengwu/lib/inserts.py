"""INSERT statements built once, for the rows written on every submission.

Django builds an INSERT anew for every `save()`: it walks the model's fields, asks each for its
placeholder, checks every value for expressions, quotes every column and joins the text — the
same text every time. An appeal's intake writes six rows (the appeal, its first event, the
citizen's SMS, the partner's claim, the audit row, the task rows), and building their
statements was about a sixth of a submission's CPU (docs/performance.md, runs 49-79). Here the
text is built once per model, column list and number of rows (PostgreSQL then prepares it:
`DB_PREPARED_STATEMENTS`); each value is still converted exactly as Django converts it (the
field's `pre_save` and `get_db_prep_save`).

Anything out of the ordinary — a raw save, a value that is an expression, a field with its own
placeholder, a database that cannot return columns — goes Django's own way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router, transaction

# Keyed by what tells a model's INSERTs apart — whether the generated key is among the columns
# (Django leaves it out until it is set), whether it comes back, how many rows — in values
# that hash cheaply (a Field hashes in Python).
_statements: dict[tuple, tuple[str, tuple] | None] = {}


def _statement(
    using: str, model: type[models.Model], fields: Sequence, returning: Sequence, rows: int
) -> tuple[str, tuple] | None:
    key = (model, using, len(fields), len(returning), rows)
    try:
        return _statements[key]
    except KeyError:
        if len(_statements) > 1000:  # only if callers vary the number of rows widely
            _statements.clear()
        statement = _statements[key] = _build(using, model._meta.db_table, fields, returning, rows)
        return statement


def _build(
    alias: str, table: str, fields: Sequence, returning: Sequence, rows: int
) -> tuple[str, tuple] | None:
    connection = connections[alias]
    ops = connection.ops
    if any(hasattr(f, "get_placeholder") for f in fields):
        return None
    # Only the generated key of a single row comes back (Django would convert other columns).
    if returning and (
        rows != 1
        or not connection.features.can_return_columns_from_insert
        or not all(f is f.model._meta.auto_field for f in returning)
    ):
        return None
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    row = "({})".format(", ".join(["%s"] * len(fields)))
    values = ", ".join([row] * rows)
    sql = f"INSERT INTO {ops.quote_name(table)} ({columns}) VALUES {values}"  # noqa: S608
    returning_sql, returning_params = ops.return_insert_columns(list(returning))
    if returning_sql:
        sql = f"{sql} {returning_sql}"
    return sql, tuple(returning_params)


def _values(obj: models.Model, fields: Sequence, connection: Any) -> list | None:
    values = []
    for field in fields:
        value = field.pre_save(obj, add=True)
        if hasattr(value, "resolve_expression"):
            return None
        values.append(field.get_db_prep_save(value, connection=connection))
    return values


def insert(
    objs: Sequence[models.Model], using: str, fields: Sequence, returning: Sequence = ()
) -> list[tuple] | None:
    """INSERT `objs` (of one model) in one statement and return the `returning` columns (of a
    single row); None when the statement is not one of the ordinary kind this handles (the
    caller then lets Django build it)."""
    model = type(objs[0])
    statement = _statement(using, model, fields, returning, len(objs))
    if statement is None:
        return None
    connection = connections[using]
    params = []
    for obj in objs:
        values = _values(obj, fields, connection)
        if values is None:
            return None
        params.extend(values)
    sql, returning_params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not returning:
            return []
        return [connection.ops.fetch_returned_insert_columns(cursor, returning_params)]


class PreparedInsert(models.Model):
    """For models whose new rows are written on the hot paths: `save()` of a new instance sends
    the statement built once (signals, validation of related objects and the rest of `save()`
    are Django's own)."""

    class Meta:
        abstract = True

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        rows = None if raw else insert([self], using, fields, returning_fields)
        if rows is None:
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        return rows


def insert_new(objs: Sequence[models.Model], using: str | None = None) -> None:
    """Write new instances of one model whose primary keys are already set (UUIDs, say) in one
    statement, where `bulk_create` would build a new one each time. Signals are not sent, as
    `bulk_create` sends none."""
    if not objs:
        return
    model = type(objs[0])
    using = using or router.db_for_write(model)
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    with transaction.mark_for_rollback_on_error(using):
        done = insert(objs, using, fields)
    if done is None:
        model._base_manager.using(using).bulk_create(objs)
        return
    for obj in objs:
        obj._state.adding, obj._state.db = False, using
