"""The details of every audit event follow one documented schema: Japanese keys, each with
its meaning, allowed per action; docs/audit.md lists the same table."""

from pathlib import Path

import pytest

from audit.models import Action, AuditEvent
from audit.schema import KEYS, SCHEMA, as_markdown, unknown_keys
from audit.services import AuditWriteRefused, record

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"


def test_every_action_has_a_schema_and_every_key_a_meaning():
    assert set(SCHEMA) == set(Action.values)
    used = set().union(*SCHEMA.values())
    assert used <= set(KEYS)
    assert all(not k.isascii() or k == "SHA-256" for k in KEYS)  # one language


def test_docs_list_the_schema_as_it_is():
    assert as_markdown() in DOC.read_text(encoding="utf-8")  # manage.py write_audit_schema_doc


@pytest.mark.django_db
def test_a_key_outside_the_schema_is_refused_and_nothing_is_written():
    assert unknown_keys(Action.SEARCH, {"該当件数": 1, "hits": 1}) == ["hits"]
    with pytest.raises(AuditWriteRefused, match="hits"):
        record(Action.SEARCH, details={"hits": 1})
    assert not AuditEvent.objects.exists()
    record(Action.SEARCH, details={"該当件数": 1})
    assert AuditEvent.objects.get().details == {"該当件数": 1}
