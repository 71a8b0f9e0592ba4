"""A small OpenID Connect provider for the browser tests: discovery, an authorisation page
with an email field, a token endpoint issuing RS256-signed ID tokens, and its keys.

It speaks the real protocol to Streamlit's `st.login` (Authlib verifies the signature,
issuer, audience, expiry and nonce), so the sign-in the tests drive is the one users
get from Keycloak; only the password check is left out.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "dasbor-asn"
CLIENT_SECRET = "rahasia-klien-e2e"


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "uji"})
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def close(self) -> None:
        self.server.shutdown()

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": grant["email"], "aud": CLIENT_ID, "iat": now, "exp": now + 600,
                  "nonce": grant["nonce"], "email": grant["email"], "email_verified": True,
                  "name": grant["email"].split("@")[0]}
        return jwt.encode({"alg": "RS256", "kid": "uji"}, claims, self.key)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: str | dict, content_type="application/json", headers=()):
                data = (json.dumps(body) if isinstance(body, dict) else body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    i = provider.issuer
                    self._send(200, {
                        "issuer": i, "authorization_endpoint": f"{i}/authorize", "token_endpoint": f"{i}/token",
                        "jwks_uri": f"{i}/jwks", "response_types_supported": ["code"],
                        "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                        "scopes_supported": ["openid", "email", "profile"],
                        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})
                elif url.path == "/jwks":
                    self._send(200, {"keys": [provider.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                                     for k, v in query.items())
                    self._send(200, f"""<html><body><h1>SSO uji</h1><form method="post" action="/login">
                        {hidden}<label>Email <input name="email" id="email"></label>
                        <button type="submit">Masuk</button></form></body></html>""", "text/html")
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path == "/login":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {"email": form["email"], "nonce": form.get("nonce", "")}
                    target = f"{form['redirect_uri']}?" + urllib.parse.urlencode(
                        {"code": code, "state": form.get("state", "")})
                    self._send(302, "", "text/plain", [("Location", target)])
                elif self.path == "/token":
                    grant = provider.codes.pop(form.get("code", ""), None)
                    if grant is None:
                        self._send(400, {"error": "invalid_grant"})
                        return
                    self._send(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                     "expires_in": 600, "id_token": provider._id_token(grant)})
                else:
                    self._send(404, {"error": "not_found"})

        return Handler
