"""docs/record-items.md maps each of the 66 recorded items (別添１) to a model field whose
verbose_name is exactly the Japanese name of RECORD_ITEMS.md."""

import os
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

DOC = Path(settings.BASE_DIR) / "docs" / "record-items.md"
ROW = re.compile(r"^\| (\d+) \| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$", re.M)
# The items of this app must be mapped; the others are mapped by the apps that hold them.
OWNED_HERE = set(range(1, 16)) | set(range(61, 67))


def _spec_path() -> Path | None:
    """The shared spec beside the repository (as CI lays it out), or SPEC_DIR."""
    candidates = [Path(os.environ["SPEC_DIR"])] if os.environ.get("SPEC_DIR") else []
    candidates.append(Path(settings.BASE_DIR).parent / "shared" / "spec")
    for c in candidates:
        if (c / "RECORD_ITEMS.md").exists():
            return c / "RECORD_ITEMS.md"
    return None


def doc_rows() -> list[tuple[int, str, str, str]]:
    return [
        (int(no), jp.strip(), model.strip(" `"), field.strip(" `"))
        for no, jp, model, field, _owner in ROW.findall(DOC.read_text(encoding="utf-8"))
    ]


def test_every_one_of_the_66_items_is_listed_once():
    numbers = [no for no, *_ in doc_rows()]
    assert numbers == list(range(1, 67))


MAPPED = [r for r in doc_rows() if r[2] != "—"]


def test_items_of_this_app_are_all_mapped():
    assert {no for no, *_ in MAPPED} >= OWNED_HERE


@pytest.mark.parametrize("no,jp,model,field", MAPPED, ids=[str(r[0]) for r in MAPPED])
def test_mapped_field_exists_with_the_exact_japanese_name(no, jp, model, field):
    model_cls = apps.get_model(model)
    assert model_cls._meta.get_field(field).verbose_name == jp


def test_the_japanese_names_are_those_of_the_spec():
    spec = _spec_path()
    if spec is None:
        pytest.skip("RECORD_ITEMS.md not beside the repository (set SPEC_DIR)")
    names = dict(
        (int(no), jp.strip())
        for no, jp in re.findall(r"^\| (\d+) \| ([^|]+?) \|", spec.read_text("utf-8"), re.M)
    )
    assert {no: jp for no, jp, *_ in doc_rows()} == names
