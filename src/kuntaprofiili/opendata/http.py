"""The one HTTP client of the open-data layer: polite, rate-limited, and never a traceback.

Every failure becomes a :class:`FetchError` whose message says in one paragraph what
happened and what to do; the update keeps what other providers gave.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from kuntaprofiili import __version__
from kuntaprofiili.errors import KuntaprofiiliError

USER_AGENT = f"kuntaprofiili/{__version__} (+https://github.com/; municipal self-assessment)"
TIMEOUT_SECONDS = 30.0
MAX_WAIT_SECONDS = 60.0  # a longer Retry-After ends the provider's turn instead
RETRIES = 3
SERVER_ERROR_BACKOFF = 1.0
MAX_BODY_BYTES = 50_000_000

Params = list[tuple[str, str | int | float | bool | None]] | Mapping[str, str | int] | None


class FetchError(KuntaprofiiliError):
    """An open-data service could not be reached or gave something unusable."""


class NotPublished(FetchError):
    """The service has no such file or indicator (HTTP 404)."""


def pause(seconds: float) -> None:
    """Wait (one place to replace in tests)."""
    time.sleep(seconds)


class RateLimiter:
    """At most ``max_calls`` requests in any ``window`` seconds (a sliding window)."""

    def __init__(
        self, max_calls: int, window: float, sleep: Callable[[float], None] | None = None
    ) -> None:
        self.max_calls = max(1, max_calls)
        self.window = max(0.0, window)
        self._sleep = sleep or (lambda seconds: pause(seconds))
        self._sent: deque[float] = deque()

    def wait(self) -> None:
        """Sleep until one more request is allowed, then count it."""
        now = time.monotonic()
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()
        if len(self._sent) >= self.max_calls:
            self._sleep(self.window - (now - self._sent[0]))
            self._sent.popleft()
        self._sent.append(time.monotonic())


def retry_after(response: httpx.Response, default: float = 10.0) -> float:
    """Seconds the server asked us to wait (Retry-After in seconds or as an HTTP date)."""
    header = response.headers.get("Retry-After", "").strip()
    if header.isdigit():
        return float(header)
    if header:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return default
        return max(0.0, when.timestamp() - time.time())
    return default


class Http:
    """A shared httpx client with a User-Agent (Sotkanet refuses requests without one)."""

    def __init__(self, sleep: Callable[[float], None] | None = None) -> None:
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT}, timeout=TIMEOUT_SECONDS, follow_redirects=True
        )
        self._sleep = sleep or (lambda seconds: pause(seconds))
        self.limiters: dict[str, RateLimiter] = {}  # by base URL: one service, one limit

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def get(self, url: str, params: Params = None) -> httpx.Response:
        """GET ``url``; a FetchError on any failure."""
        return self._send(lambda: self._client.get(url, params=params), url)

    def post_json(self, url: str, body: Any) -> httpx.Response:
        """POST a JSON body to ``url``; a FetchError on any failure."""
        return self._send(lambda: self._client.post(url, json=body), url)

    def json(self, response: httpx.Response) -> Any:
        """The body as JSON; a FetchError if it is not JSON."""
        try:
            return response.json()
        except ValueError as error:
            raise malformed(str(response.url), str(error)) from None

    def _send(self, send: Callable[[], httpx.Response], url: str) -> httpx.Response:
        host = urlsplit(url).netloc
        for attempt in range(1, RETRIES + 1):
            for base, limiter in self.limiters.items():
                if url.startswith(base):
                    limiter.wait()
            response = self._attempt(send, host)
            if response.status_code == 429:
                wait = retry_after(response)
                if attempt == RETRIES or wait > MAX_WAIT_SECONDS:
                    raise FetchError("opendata.rate_limited", host=host, seconds=round(wait))
                self._sleep(wait)
                continue
            if response.status_code >= 500 and attempt < RETRIES:
                self._sleep(SERVER_ERROR_BACKOFF * attempt)
                continue
            return _checked(response, host, url)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, send: Callable[[], httpx.Response], host: str) -> httpx.Response:
        try:
            return send()
        except httpx.TimeoutException:
            raise FetchError("opendata.timeout", host=host) from None
        except httpx.TransportError as error:
            raise FetchError("opendata.offline", host=host, reason=type(error).__name__) from None


def _checked(response: httpx.Response, host: str, url: str) -> httpx.Response:
    status = response.status_code
    if status == 404:
        raise NotPublished("opendata.not_found", url=url)
    if status >= 500:
        raise FetchError("opendata.server_error", host=host, status=status)
    if status >= 400:
        raise FetchError("opendata.refused", host=host, status=status)
    if len(response.content) > MAX_BODY_BYTES:
        raise malformed(url, "response too large")
    return response


def malformed(url: str, detail: str) -> FetchError:
    """The error for a response that is not in the documented format."""
    return FetchError("opendata.malformed", url=url, detail=detail[:200])
