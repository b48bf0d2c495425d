from pathlib import Path

import pytest

from app.config import ConfigError, Settings, load_settings


def test_defaults_describe_a_local_embedded_run(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "PORT", "APP_SECRET", "CRM_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.embedded
    assert settings.port == 3000
    assert settings.crm_data_dir == Path(".crm")
    assert settings.redis_url is None


def test_bad_port_fails_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ConfigError, match="PORT"):
        load_settings()


def test_database_url_must_be_postgresql(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/crm")
    monkeypatch.setenv("APP_SECRET", "s" * 40)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_settings()


def test_app_secret_is_required_with_an_external_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@localhost/crm")
    monkeypatch.delenv("APP_SECRET", raising=False)
    with pytest.raises(ConfigError, match="APP_SECRET"):
        load_settings()


def test_short_app_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_SECRET", "short")
    with pytest.raises(ConfigError, match="APP_SECRET"):
        load_settings()


def test_redis_url_scheme_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "http://localhost:6379")
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_settings()


def test_local_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(crm_data_dir=tmp_path / "data")
    first = settings.resolved_secret()
    assert len(first) >= 32
    assert Settings(crm_data_dir=tmp_path / "data").resolved_secret() == first
    assert (tmp_path / "data" / "app_secret").stat().st_mode & 0o077 == 0


def test_configured_secret_wins_over_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(crm_data_dir=tmp_path, app_secret="k" * 40)
    assert settings.resolved_secret() == "k" * 40
    assert not (tmp_path / "app_secret").exists()
