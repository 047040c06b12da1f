"""ASGI entry point for uvicorn workers: ``sunsupport.asgi:app``."""

from sunsupport.app import create_app

app = create_app()
