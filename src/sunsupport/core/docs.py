"""``/openapi.json`` and Swagger UI (from a vendored PyPI bundle: no internet needed).

FastAPI's own ``/openapi.json`` encodes the whole document (tens of kilobytes of JSON) on
every request; here it is encoded once, on first use, and then served as bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from swagger_ui_bundle import swagger_ui_path

DOCS_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
"""The only files of the Swagger UI bundle the docs page loads (the bundle also holds
a stock index.html, a template and megabytes of source maps, none of them served)."""


def install_docs(app: FastAPI, enabled: bool = True) -> None:
    """Create the app with ``openapi_url=None``; this serves the document instead.
    Disabled (production's default), there is no ``/docs`` and no ``/openapi.json``."""
    if not enabled:
        return
    encoded: list[bytes] = []

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi_document() -> Response:
        if not encoded:  # the routes are all known by the first request
            encoded.append(json.dumps(app.openapi(), ensure_ascii=False).encode())
        return Response(encoded[0], media_type="application/json")

    bundle = Path(swagger_ui_path)

    @app.get("/docs-static/{name}", include_in_schema=False)
    async def docs_file(name: str) -> Response:
        if name not in DOCS_FILES:
            raise HTTPException(status_code=404, detail="Not Found")
        return FileResponse(bundle / name, media_type=DOCS_FILES[name])

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Солнце · техподдержка — API",
            oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon-32x32.png",
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
