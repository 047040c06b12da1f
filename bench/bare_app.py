"""For scale: the cheapest FastAPI app there is, served by the same uvicorn as ours."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def root() -> dict[str, str]:
    return {"status": "ok"}
