"""Production settings refuse to start without their secrets, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "SECRET_KEY": "p" * 64,
    "MY_NUMBER_KEY": "cHJvZC1teS1udW1iZXIta2V5LTMyLWJ5dGVzLWxvbmch",
    "ALLOWED_HOSTS": "nenkin.example.jp",
}


def load_prod(env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in GOOD and k != "DEBUG"}
    env.update(GOOD)
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "kokumin_nenkin.settings.prod"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_prod_starts_with_its_settings():
    result = load_prod({})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "MY_NUMBER_KEY", "ALLOWED_HOSTS"])
def test_prod_refuses_to_start_naming_the_missing_variable(missing):
    result = load_prod({missing: None})
    assert result.returncode != 0
    assert missing in result.stderr


def test_prod_refuses_a_short_secret_key():
    result = load_prod({"SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
