"""The English translation is complete, and the compiled catalogue matches it."""

import gettext
import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(lines: list[str]) -> str:
    quoted = "".join(re.match(r'^(?:msg\w+(?:\[\d\])? )?"(.*)"$', line).group(1) for line in lines)
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), quoted)


def po_entries() -> list[dict]:
    """Each entry's flags, msgid, msgid_plural and msgstr values."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if line and not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields: dict[str, list[str]] = {}
        current = None
        for line in lines:
            if line.startswith("#"):
                continue
            key = re.match(r"^(msgid_plural|msgid|msgstr(?:\[\d\])?) ", line)
            if key:
                current = key.group(1)
                fields[current] = [line]
            elif current:
                fields[current].append(line)
        if "msgid" in fields:
            entries.append({"flags": flags, **{k: _unquote(v) for k, v in fields.items()}})
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def test_it_translates_every_string_into_english():
    entries = po_entries()
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


def test_it_ships_the_compiled_catalogue_of_the_current_translation():
    with MO.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    singular = [e["msgid"] for e in po_entries() if "msgid_plural" not in e]
    missing = [m for m in singular if m not in catalog]
    assert missing == []
