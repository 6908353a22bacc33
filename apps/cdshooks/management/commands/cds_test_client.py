"""Try the CDS service as an EHR would: sign a JWT with the client's private key, read the
discovery document, call `patient-view` for a patient (its prefetch written from a shared pathway
example or a JSON file of FHIR resources), and print the cards."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...client import patient_view_request, prefetch_for_case, sign_token

EXAMPLES = Path(settings.SHARED_DIR) / "pathways" / "examples"


class Command(BaseCommand):
    help = "Call the CDS Hooks service as a signed EHR client and print the cards."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--key", required=True, help="The client's private key (PEM file).")
        parser.add_argument("--patient-mrn", required=True)
        parser.add_argument("--url", default=settings.SITE_URL, help="The service's base URL.")
        parser.add_argument("--example", default="solitary-metachronous-low-risk")
        parser.add_argument("--prefetch", help="A JSON file of prefetched FHIR resources.")
        parser.add_argument("--algorithm", default="ES384", choices=["ES384", "RS384"])
        parser.add_argument(
            "--token-only",
            action="store_true",
            help="Print one signed token (single use, 5 minutes) and call nothing: for curl.",
        )
        parser.add_argument("--request-out", help="Write the hook's request body to this file.")

    def handle(self, *args: Any, **options: Any) -> None:
        base = options["url"].rstrip("/") + "/cds-services"
        private_pem = Path(options["key"]).read_text()
        if options.get("prefetch"):
            prefetch = json.loads(Path(options["prefetch"]).read_text())
        else:
            example = EXAMPLES / f"{options['example']}.json"
            if not example.exists():
                raise CommandError(f"No example {example}.")
            case = json.loads(example.read_text())["case"]
            prefetch = prefetch_for_case(case, patient_id="example", mrn=options["patient_mrn"])
        audience = f"{base}/crlm-pathway"
        token = sign_token(
            issuer=options["issuer"],
            private_key_pem=private_pem,
            audience=audience,
            algorithm=options["algorithm"],
        )
        body = patient_view_request(patient_id="example", prefetch=prefetch)
        if options.get("request_out"):
            Path(options["request_out"]).write_text(json.dumps(body))
        if options["token_only"]:
            self.stdout.write(token)
            return
        discovery = self._call("GET", base, None, None)
        self.stdout.write(json.dumps(discovery, indent=2))
        self.stdout.write(json.dumps(self._call("POST", audience, token, body), indent=2))

    def _call(self, method: str, url: str, token: str | None, body: Any) -> Any:
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise CommandError(f"{method} {url}: {error.code} {error.read().decode()}") from None
