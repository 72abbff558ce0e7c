import pytest
from pydantic import SecretStr

from probity.errors import ConfigurationError
from probity.settings import DEV_SECRET_KEY, Settings


def test_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBITY_DATA_DIR", str(tmp_path / "data"))
    settings = Settings()
    assert settings.resolved_database_url == f"sqlite:///{tmp_path}/data/probity.db"
    assert settings.resolved_models_dir == tmp_path / "data" / "models"


def test_environment_variables_override(monkeypatch):
    monkeypatch.setenv("PROBITY_DATABASE_URL", "postgresql://postgres@127.0.0.1/x")
    monkeypatch.setenv("PROBITY_TWO_PERSON_RULE", "true")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql://postgres@127.0.0.1/x"
    assert settings.two_person_rule is True


def test_secrets_never_appear_in_repr(monkeypatch):
    monkeypatch.setenv("PROBITY_X_BEARER_TOKEN", "very-secret-token")
    settings = Settings()
    assert isinstance(settings.x_bearer_token, SecretStr)
    assert "very-secret-token" not in repr(settings)
    assert "very-secret-token" not in str(settings.model_dump())


def test_production_refuses_default_secret(monkeypatch):
    monkeypatch.setenv("PROBITY_ENV", "production")
    monkeypatch.setenv("PROBITY_DATABASE_URL", "postgresql://db/probity")
    with pytest.raises(ConfigurationError, match="PROBITY_SECRET_KEY"):
        Settings()
    monkeypatch.setenv("PROBITY_SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(ConfigurationError, match="PROBITY_SECRET_KEY"):
        Settings()


def test_production_refuses_implicit_database(monkeypatch):
    monkeypatch.setenv("PROBITY_ENV", "production")
    monkeypatch.setenv("PROBITY_SECRET_KEY", "k" * 40)
    with pytest.raises(ConfigurationError, match="PROBITY_DATABASE_URL"):
        Settings()


def test_production_starts_with_real_secrets(monkeypatch):
    monkeypatch.setenv("PROBITY_ENV", "production")
    monkeypatch.setenv("PROBITY_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("PROBITY_AUDIT_KEY", "a" * 40)
    monkeypatch.setenv("PROBITY_DATABASE_URL", "postgresql://db/probity")
    assert Settings().is_production


def test_production_refuses_default_or_shared_audit_key(monkeypatch):
    monkeypatch.setenv("PROBITY_ENV", "production")
    monkeypatch.setenv("PROBITY_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("PROBITY_DATABASE_URL", "postgresql://db/probity")
    with pytest.raises(ConfigurationError, match="PROBITY_AUDIT_KEY must be set"):
        Settings()
    monkeypatch.setenv("PROBITY_AUDIT_KEY", "k" * 40)  # the same value as the secret key
    with pytest.raises(ConfigurationError, match="PROBITY_AUDIT_KEY must differ"):
        Settings()
