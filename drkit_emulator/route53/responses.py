"""drkit's Route 53 request handler: the DNSSEC operations and a real ``GetDNSSEC``."""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random
from moto.route53.responses import Route53

_KSK_LOCATION = "https://route53.amazonaws.com/2013-04-01/keysigningkey/{zone_id}/{name}"


def _change_info() -> dict[str, Any]:
    return {
        "Id": f"/change/C{mock_random.get_random_string(length=13).upper()}",
        "Status": "INSYNC",
        "SubmittedAt": utcnow(),
    }


class DrkitRoute53Response(Route53):
    """moto's Route 53 handler, serving the DNSSEC operations and a real ``GetDNSSEC``."""

    @property
    def _backend(self) -> Any:
        """drkit's backend (see .models), which has the operations moto's lacks."""
        return self.backend

    def create_key_signing_key(self) -> ActionResult:
        zone_id = self._get_param("HostedZoneId")
        key = self._backend.create_key_signing_key(
            hosted_zone_id=zone_id,
            name=self._get_param("Name"),
            kms_arn=self._get_param("KeyManagementServiceArn"),
            status=self._get_param("Status"),
        )
        return ActionResult(
            {
                "ChangeInfo": _change_info(),
                "KeySigningKey": key.to_dict(),
                "Location": _KSK_LOCATION.format(zone_id=zone_id, name=key.name),
            }
        )

    def activate_key_signing_key(self) -> ActionResult:
        self._backend.activate_key_signing_key(
            self._get_param("HostedZoneId"), self._get_param("Name")
        )
        return ActionResult({"ChangeInfo": _change_info()})

    def deactivate_key_signing_key(self) -> ActionResult:
        self._backend.deactivate_key_signing_key(
            self._get_param("HostedZoneId"), self._get_param("Name")
        )
        return ActionResult({"ChangeInfo": _change_info()})

    def delete_key_signing_key(self) -> ActionResult:
        self._backend.delete_key_signing_key(
            self._get_param("HostedZoneId"), self._get_param("Name")
        )
        return ActionResult({"ChangeInfo": _change_info()})

    def enable_hosted_zone_dnssec(self) -> ActionResult:
        self._backend.enable_hosted_zone_dnssec(self._get_param("HostedZoneId"))
        return ActionResult({"ChangeInfo": _change_info()})

    def disable_hosted_zone_dnssec(self) -> ActionResult:
        self._backend.disable_hosted_zone_dnssec(self._get_param("HostedZoneId"))
        return ActionResult({"ChangeInfo": _change_info()})

    def get_dnssec(self) -> ActionResult:
        # moto's stub returns None; drkit's backend returns the zone's ZoneDNSSEC.
        state = self._backend.get_dnssec(self._get_param("HostedZoneId"))
        return ActionResult(
            {
                "Status": {"ServeSignature": state.serve_signature},
                "KeySigningKeys": [k.to_dict() for k in state.keys.values()],
            }
        )
