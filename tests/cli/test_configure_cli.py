"""``runestream configure``: setup, get (masked), set (values with '='), path; file modes."""

from __future__ import annotations

import stat
from pathlib import Path

import yaml

from runestream import Config
from tests.cli.conftest import run_cli


def _env(tmp_path: Path) -> dict[str, str]:
    import os

    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNE_")}
    env["HOME"] = str(home)
    return env


def test_setup_writes_runeq_format_private_file(tmp_path: Path) -> None:
    env = _env(tmp_path)
    result = run_cli(
        ["configure", "setup"], env, tmp_path, stdin="token-id-123\nsuper-secret-value\n"
    )
    assert result.returncode == 0, result.stderr
    path = tmp_path / "home" / ".rune" / "config"
    assert yaml.safe_load(path.read_text()) == {
        "auth_method": "access_token",
        "access_token_id": "token-id-123",
        "access_token_secret": "super-secret-value",
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "super-secret-value" not in result.stdout + result.stderr
    cfg = Config(path)  # runestream (and runeq) read it back
    assert cfg.auth_method == "access_token" and cfg.access_token_id == "token-id-123"


def test_setup_asks_before_overwriting(tmp_path: Path) -> None:
    env = _env(tmp_path)
    run_cli(["configure", "setup"], env, tmp_path, stdin="id-one\nsecret-one\n")
    declined = run_cli(["configure", "setup"], env, tmp_path, stdin="n\n")
    assert declined.returncode == 0
    path = tmp_path / "home" / ".rune" / "config"
    assert yaml.safe_load(path.read_text())["access_token_id"] == "id-one"
    accepted = run_cli(["configure", "setup"], env, tmp_path, stdin="y\nid-two\nsecret-two\n")
    assert accepted.returncode == 0
    assert yaml.safe_load(path.read_text())["access_token_id"] == "id-two"


def test_get_masks_secrets_unless_asked(tmp_path: Path) -> None:
    env = _env(tmp_path)
    run_cli(["configure", "setup"], env, tmp_path, stdin="id-abc\nsecret-value-xyz\n")
    shown = run_cli(["configure", "get"], env, tmp_path)
    assert shown.returncode == 0
    assert "access_token_id: id-abc" in shown.stdout
    assert "secret-value-xyz" not in shown.stdout
    assert "access_token_secret: ********yz" in shown.stdout
    one = run_cli(["configure", "get", "access_token_secret", "--show-secrets"], env, tmp_path)
    assert one.stdout.strip() == "secret-value-xyz"
    unknown = run_cli(["configure", "get", "acess_token_id"], env, tmp_path)
    assert unknown.returncode == 2 and "did you mean 'access_token_id'" in unknown.stderr


def test_set_accepts_values_with_equals_and_keeps_other_keys(tmp_path: Path) -> None:
    env = _env(tmp_path)
    run_cli(["configure", "setup"], env, tmp_path, stdin="id-abc\nsecret-abc\n")
    result = run_cli(["configure", "set", "access_token_secret", "a=b==c"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "a=b==c" not in result.stderr  # the secret is masked in the confirmation
    path = tmp_path / "home" / ".rune" / "config"
    values = yaml.safe_load(path.read_text())
    assert values["access_token_secret"] == "a=b==c"
    assert values["access_token_id"] == "id-abc"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_path_and_explicit_config(tmp_path: Path) -> None:
    env = _env(tmp_path)
    default = run_cli(["configure", "path"], env, tmp_path)
    assert default.stdout.strip() == str(tmp_path / "home" / ".rune" / "config")
    custom = tmp_path / "custom.yaml"
    result = run_cli(
        ["configure", "--config", str(custom), "set", "stream_url", "https://example.test"],
        env,
        tmp_path,
    )
    assert result.returncode == 0
    assert yaml.safe_load(custom.read_text()) == {"stream_url": "https://example.test"}


def test_get_without_file_is_a_config_error(tmp_path: Path) -> None:
    result = run_cli(["configure", "get"], _env(tmp_path), tmp_path)
    assert result.returncode == 3
    assert "configure setup" in result.stderr


def test_version_and_help(tmp_path: Path) -> None:
    from runestream import __version__

    version = run_cli(["--version"], _env(tmp_path), tmp_path)
    assert version.stdout.strip() == f"runestream {__version__}"
    helped = run_cli(["--help"], _env(tmp_path), tmp_path)
    for command in ("configure", "fetch", "session", "sandbox", "demo"):
        assert command in helped.stdout
