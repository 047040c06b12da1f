"""The widget as a site gets it: /widget.js, the /widget frame and who may frame it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from sunsupport.app import create_app
from sunsupport.core.config import Settings
from tests.support.settings import make_settings, sqlite_url


def client_for(settings: Settings) -> httpx.AsyncClient:
    """The app without its lifespan: pages need no database."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://test"
    )


def settings_with(tmp_path: Path, **overrides: object) -> Settings:
    return make_settings(sqlite_url(tmp_path / "unused.db"), tmp_path / "logs", **overrides)


async def test_the_frame_is_the_visitors_chat_that_only_our_pages_may_embed(
    tmp_path: Path,
) -> None:
    async with client_for(settings_with(tmp_path)) as http:
        frame = await http.get("/widget")
        assert frame.status_code == 200
        csp = frame.headers["content-security-policy"]
        assert "frame-ancestors 'self';" in csp and "script-src 'self'" in csp
        assert "x-frame-options" not in frame.headers
        html = frame.text
        for testid in ("chat-input", "chat-send", "typing", "rating", "widget-signin"):
            assert f'data-testid="{testid}"' in html, testid
        assert 'data-testid="login-username"' not in html and 'id="login-form"' not in html
        assert 'data-page="widget"' in html

        # every other page still refuses to be framed at all
        for path in ("/", "/operator", "/widget-demo", "/auth/me"):
            response = await http.get(path)
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            assert response.headers["x-frame-options"] == "DENY"

        script = await http.get("/widget.js")
        assert script.status_code == 200
        assert script.headers["content-type"].startswith("text/javascript")
        assert 'data-testid", "widget-launcher"' in script.text
        assert (await http.head("/widget.js")).headers["etag"] == script.headers["etag"]
        demo = await http.get("/widget-demo")
        assert 'data-testid="widget-snippet"' in demo.text


async def test_allowed_sites_are_named_exactly_in_the_frame_policy(tmp_path: Path) -> None:
    origins = "https://shop.example, http://127.0.0.1:8123/"
    async with client_for(settings_with(tmp_path, widget_allowed_origins=origins)) as http:
        csp = (await http.get("/widget")).headers["content-security-policy"]
    ancestors = next(p.strip() for p in csp.split(";") if "frame-ancestors" in p)
    assert ancestors == "frame-ancestors 'self' https://shop.example http://127.0.0.1:8123"


@pytest.mark.parametrize(
    "origins",
    ["*", "shop.example", "https://shop.example/path", "ftp://shop.example", "https://a b"],
)
def test_a_mistyped_origin_stops_the_start(origins: str) -> None:
    with pytest.raises(ValidationError, match="not an origin"):
        Settings(_env_file=None, widget_allowed_origins=origins)  # type: ignore[call-arg]
