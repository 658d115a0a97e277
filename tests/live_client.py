"""A browser's worth of requests against the live server, several of them at once.

The test client runs one request at a time and cannot show a race; this sends
real concurrent requests to the app served by threads (``live_server``).
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

from tests.conftest import PASSWORD


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # The redirect itself is what a test reads.


class LiveClient:
    """One browser: its cookies, and the same form sent several times at the same moment."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _KeepRedirects)

    def page(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            return response.read().decode()

    def form_token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.page(path))[1]

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        """Status, redirect target and page of one form post."""
        body = urllib.parse.urlencode(fields).encode()
        try:
            response = self.opener.open(self.base + path, data=body)
        except urllib.error.HTTPError as refusal:  # 3xx too, as redirects are kept
            response = refusal
        with response:
            return (response.status, response.headers.get("Location", ""),
                    response.read().decode())

    def log_in(self, email: str) -> None:
        fields = {"csrf_token": self.form_token("/login"), "email": email, "password": PASSWORD}
        assert self.post("/login", fields)[0] == 302

    def form_at_once(self, path: str, fields: dict[str, str], form_page: str | None = None
                     ) -> list[tuple[int, str, str]]:
        """The form on ``form_page`` (``path`` unless given), filled in and sent at once."""
        token = self.form_token(form_page or path)
        return self.at_once(path, {"csrf_token": token, **fields})

    def at_once(self, path: str, fields: dict[str, str], times: int = 8
                ) -> list[tuple[int, str, str]]:
        """The same form sent ``times`` times together, as a double tap or click does."""
        together = threading.Barrier(times)
        results: list[tuple[int, str, str]] = []

        def send() -> None:
            together.wait()
            results.append(self.post(path, fields))

        threads = [threading.Thread(target=send) for _ in range(times)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results
