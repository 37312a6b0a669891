"""drkit's AWS Signer request handler: starting, describing and listing signing jobs."""

from __future__ import annotations

import json
from typing import Any

from moto.signer.responses import SignerResponse

from drkit_emulator.core.routing import uri_param


class DrkitSignerResponse(SignerResponse):
    """moto's handler, also serving the signing jobs."""

    @property
    def _backend(self) -> Any:
        """drkit's backend (see .models), which has the signing jobs."""
        return self.signer_backend

    def start_signing_job(self) -> str:
        params = json.loads(self.body or "{}")
        job = self._backend.start_signing_job(
            source=params.get("source") or {},
            destination=params.get("destination") or {},
            profile_name=params.get("profileName") or "",
            client_request_token=params.get("clientRequestToken"),
            # The caller's principal is not resolved: the account's root stands for it.
            requested_by=f"arn:aws:iam::{self.current_account}:root",
        )
        return json.dumps({"jobId": job.job_id, "jobOwner": job.account_id})

    def describe_signing_job(self) -> str:
        job = self._backend.describe_signing_job(uri_param(self, "jobId"))
        return json.dumps(job.to_describe())

    def list_signing_jobs(self) -> str:
        jobs = self._backend.list_signing_jobs(
            status=self._get_param("status"), platform_id=self._get_param("platformId")
        )
        start = int(self._get_param("nextToken") or 0)
        size = int(self._get_param("maxResults") or 25)
        page = jobs[start : start + size]
        answer: dict[str, Any] = {"jobs": [job.to_summary() for job in page]}
        if start + size < len(jobs):
            answer["nextToken"] = str(start + size)
        return json.dumps(answer)
