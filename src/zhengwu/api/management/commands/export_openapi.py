from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from zhengwu.api.rest import api

DEFAULT = Path(__file__).resolve().parents[5] / "docs" / "openapi.json"


def document() -> str:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the REST API's OpenAPI document (docs/openapi.json; `make openapi`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(DEFAULT))

    def handle(self, *args: object, **options: object) -> None:
        Path(options["output"]).write_text(document(), encoding="utf-8")
        self.stdout.write(f"wrote {options['output']}")
