"""The shared machinery: moto's shape checked before anything is patched, and install() refusing."""

from __future__ import annotations

import pytest

from drkit_emulator import core
from drkit_emulator.core import compat
from drkit_emulator.errors import MotoExtensionError


def test_pinned_moto_fits_the_extensions() -> None:
    """The installed moto (the pinned 5.2.5) has every interface the extensions rely on."""
    assert compat.moto_version() == compat.SUPPORTED_MOTO_VERSION
    assert compat.compatibility_problems() == []


def test_changed_method_of_a_service_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A moto method an extension overrides or calls going away is named by the check."""
    from moto.apigatewayv2.models import DomainName

    monkeypatch.delattr(DomainName, "to_json")
    assert "DomainName.to_json is gone" in compat.compatibility_problems()


def test_renamed_parameter_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parameter the extensions pass by name being renamed is named by the check."""
    from moto.dynamodb.models import DynamoDBBackend

    def put_item(self: object, table_name: str, attrs: dict) -> None: ...

    monkeypatch.setattr(DynamoDBBackend, "put_item", put_item)
    assert any(
        p.startswith("DynamoDBBackend.put_item(") and "no longer takes" in p
        for p in compat.compatibility_problems()
    )


def test_unroutable_service_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A URL module that no longer routes to the handler an extension subclasses is named."""
    from moto.backup import urls

    monkeypatch.setattr(urls, "url_paths", {})
    assert any(
        "moto.backup.urls routes no path to BackupResponse" in p
        for p in compat.compatibility_problems()
    )


def test_incompatible_moto_is_refused_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """When moto's shape changed, install() refuses with what changed and how to fix it."""
    monkeypatch.setattr(
        compat, "compatibility_problems", lambda: ["DynamoDBBackend.update_table is gone"]
    )
    monkeypatch.setattr(core, "_installed", False)
    with pytest.raises(MotoExtensionError) as caught:
        core.install()
    message = str(caught.value)
    assert "written for moto 5.2.5" in message
    assert "DynamoDBBackend.update_table is gone" in message
    assert "drkit[local]" in message
    assert not core.installed()
