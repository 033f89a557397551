"""OAuth 2.1 resource-server support for the team server: JWT access tokens from a team's identity provider.

The server never issues tokens; it checks the ones an authorization server (Keycloak, Entra ID, Okta,
Auth0, Authentik, ...) issued for it:

- the signature, against the provider's JSON Web Key Set: a file (``--oauth-jwks keys.json``), a URL
  (``--oauth-jwks https://idp/.../jwks``), or, with neither, the ``jwks_uri`` the issuer publishes in
  its RFC 8414 / OpenID discovery document (fetched on first use, cached);
- ``iss`` equal to the configured issuer, ``aud`` containing the configured audience (by default the
  public URL of the MCP endpoint, RFC 8707), ``exp`` present and not past (``nbf``/``iat`` honoured),
  with `LEEWAY_SECONDS` of clock skew;
- an asymmetric algorithm (RS*, PS*, ES*, EdDSA): ``none`` and HMAC are refused, so a public key can
  never be used as a shared secret;
- the required scopes (``--oauth-scope``, from ``scope`` or ``scp``), else 403 ``insufficient_scope``.

`JwtVerifier` implements the SDK's ``TokenVerifier`` protocol and returns the SDK's ``AccessToken``;
`metadata` builds the SDK's RFC 9728 ``ProtectedResourceMetadata`` document that
``/.well-known/oauth-protected-resource`` serves. PyJWT (with ``cryptography``) does the
cryptography: it is maintained, small, already a dependency of the MCP SDK, and verifies RSA, EC and
EdDSA keys from a JWKS; the ``oauth`` extra names it explicitly.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import jwt
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.routes import build_resource_metadata_url
from mcp.shared.auth import ProtectedResourceMetadata
from pydantic import AnyHttpUrl

logger = logging.getLogger("fupan_mcp.http")

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
LEEWAY_SECONDS = 30
JWKS_CACHE_SECONDS = 300
FETCH_TIMEOUT = 5.0
MAX_TOKEN_CHARS = 16_384


class OAuthConfigError(ValueError):
    """An OAuth setting that cannot be used; the message says what to pass instead."""


@dataclass(frozen=True)
class OAuthSettings:
    issuer: str
    """The authorization server: expected ``iss`` and the server listed in the metadata."""
    resource: str
    """Public URL of the MCP endpoint (the RFC 9728 ``resource``)."""
    audience: str
    """Expected ``aud``; by default `resource`."""
    jwks: str | None = None
    """A JWKS file path or an https URL; None: discovered from the issuer."""
    scopes: tuple[str, ...] = ()

    @property
    def metadata_url(self) -> str:
        return str(build_resource_metadata_url(AnyHttpUrl(self.resource)))


def metadata(settings: OAuthSettings) -> dict[str, Any]:
    """The RFC 9728 protected-resource metadata document."""
    document = ProtectedResourceMetadata(
        resource=AnyHttpUrl(settings.resource),
        authorization_servers=[AnyHttpUrl(settings.issuer)],
        scopes_supported=list(settings.scopes) or None,
        resource_name="fupan-mcp",
    )
    return document.model_dump(mode="json", exclude_none=True)


def _fetch_json(url: str) -> Any:
    if not url.lower().startswith(("https://", "http://")):
        raise OAuthConfigError(f"{url!r}: expected an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        return json.loads(response.read(1_000_000))


def load_jwks_file(path: Path) -> jwt.PyJWKSet:
    try:
        return jwt.PyJWKSet.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, jwt.PyJWKError) as error:
        raise OAuthConfigError(f"--oauth-jwks {str(path)!r}: not a readable JSON Web Key Set ({error})") from None


class JwtVerifier:
    """The SDK's ``TokenVerifier``: a JWT signed by the issuer, for this audience, not expired."""

    def __init__(self, settings: OAuthSettings, *, clock: Any = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self._lock = threading.Lock()
        self._keys: jwt.PyJWKSet | None = None
        self._fetched = 0.0
        self._jwks_url: str | None = None
        source = settings.jwks
        if source and not source.lower().startswith(("https://", "http://")):
            self._keys = load_jwks_file(Path(source).expanduser())
            self._fetched = float("inf")
        elif source:
            self._jwks_url = source

    # --- keys ---

    def _discover(self) -> str:
        base = self.settings.issuer.rstrip("/")
        for suffix in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
            try:
                document = _fetch_json(base + suffix)
            except (OSError, ValueError):
                continue
            if isinstance(document, dict) and isinstance(document.get("jwks_uri"), str):
                return str(document["jwks_uri"])
        raise OSError(f"the issuer {base} publishes no jwks_uri")

    def _key_set(self, refresh: bool) -> jwt.PyJWKSet:
        with self._lock:
            stale = self.clock() - self._fetched > JWKS_CACHE_SECONDS
            if self._keys is not None and not stale and not refresh:
                return self._keys
            if self._fetched == float("inf"):  # a file: loaded once
                assert self._keys is not None
                return self._keys
            url = self._jwks_url or self._discover()
            self._jwks_url = url
            self._keys = jwt.PyJWKSet.from_dict(_fetch_json(url))
            self._fetched = self.clock()
            return self._keys

    def _signing_key(self, kid: str | None, refresh: bool) -> jwt.PyJWK | None:
        keys = [key for key in self._key_set(refresh).keys if key.public_key_use in (None, "sig")]
        if kid is not None:
            keys = [key for key in keys if key.key_id == kid]
        return keys[0] if len(keys) == 1 or (kid is not None and keys) else None

    # --- tokens ---

    def check(self, token: str) -> AccessToken | str:
        """The access token, or why it is refused (one line, never the token)."""
        if len(token) > MAX_TOKEN_CHARS:
            return "token too long"
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            return "not a JWT"
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            return "algorithm not allowed"
        kid = header.get("kid") if isinstance(header.get("kid"), str) else None
        try:
            key = self._signing_key(kid, refresh=False)
            if key is None and kid is not None:  # the provider may have rotated its keys
                key = self._signing_key(kid, refresh=True)
        except (OSError, ValueError, jwt.PyJWKError) as error:
            logger.warning("cannot load the OAuth signing keys: %s", str(error)[:200])
            return "signing keys unavailable"
        if key is None:
            return "unknown signing key"
        required = ["exp", "aud", "iss"]
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError:
            return "token expired"
        except jwt.InvalidAudienceError:
            return "token not issued for this server (audience)"
        except jwt.InvalidIssuerError:
            return "token from another issuer"
        except jwt.InvalidSignatureError:
            return "bad signature"
        except jwt.PyJWTError as error:
            return f"invalid token ({type(error).__name__})"
        scope = claims.get("scope", claims.get("scp", ""))
        scopes = scope.split() if isinstance(scope, str) else [str(s) for s in scope if isinstance(s, str)]
        subject = claims.get("sub") if isinstance(claims.get("sub"), str) else None
        client = claims.get("client_id", claims.get("azp", subject or "unknown"))
        return AccessToken(
            token=token,
            client_id=str(client),
            scopes=scopes,
            expires_at=int(claims["exp"]),
            resource=self.settings.audience,
            subject=subject,
            claims={key: value for key, value in claims.items() if key in ("iss", "sub", "aud", "azp")},
        )

    async def verify_token(self, token: str) -> AccessToken | None:
        """The SDK's ``TokenVerifier`` method (key fetching runs off the event loop)."""
        result = await anyio.to_thread.run_sync(self.check, token)
        return result if isinstance(result, AccessToken) else None

    async def check_async(self, token: str) -> AccessToken | str:
        if self._fetched == float("inf"):  # keys from a file: nothing blocks
            return self.check(token)
        return await anyio.to_thread.run_sync(self.check, token)
