"""Make an ES384 key pair for an EHR client: the public key is stored on its CdsClient (as a JWKS
with its kid), the private key is printed (or written to --out) once and kept nowhere here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.models import Hospital

from ...client import public_jwk
from ...keys import generate_es384_key_pair
from ...services import client_configure


class Command(BaseCommand):
    help = "Create or re-key a CDS Hooks client with a new ES384 key pair."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--issuer", required=True, help="The client's JWT `iss`.")
        parser.add_argument("--hospital", required=True, help="The hospital's code.")
        parser.add_argument("--out", help="Write the private key to this file (mode 600).")

    def handle(self, *args: Any, **options: Any) -> None:
        hospital = Hospital.objects.filter(code=options["hospital"]).first()
        if hospital is None:
            raise CommandError(f"No hospital with code {options['hospital']!r}.")
        private_pem, _public_pem = generate_es384_key_pair()
        jwk = {**public_jwk(private_pem), "alg": "ES384", "use": "sig"}
        client = client_configure(
            name=options["name"],
            issuer=options["issuer"],
            hospital=hospital,
            public_key=json.dumps({"keys": [jwk]}, indent=2),
        )
        if options.get("out"):
            path = Path(options["out"])
            path.touch(mode=0o600)
            path.write_text(private_pem)
            self.stdout.write(f"Private key written to {path} (kept nowhere else).")
        else:
            self.stdout.write(private_pem)
            self.stdout.write("Keep this private key in the EHR: it is not stored here.")
        self.stdout.write(f"Client {client.name} ({client.issuer}), key id {jwk['kid']}.")
