"""Password hashing profiles: production strength by default, the cheap one for tests only."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sunsupport.core.config import Settings
from sunsupport.core.security import PasswordHasher


def test_production_is_the_default_profile() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.argon2_profile == "production"
    assert PasswordHasher().profile == "production"


async def test_the_production_profile_hashes_at_full_cost() -> None:
    hasher = PasswordHasher("production")
    hashed = await hasher.hash("sunshine-123")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert await hasher.verify("sunshine-123", hashed)
    assert not await hasher.verify("sunshine-124", hashed)


async def test_the_test_profile_is_cheap_and_reads_production_hashes() -> None:
    production, cheap = PasswordHasher("production"), PasswordHasher("test")
    assert (await cheap.hash("x")).startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert await cheap.verify("sunshine-123", await production.hash("sunshine-123"))
    assert not await cheap.verify("anything", None)


@pytest.mark.parametrize("env", ["development", "production"])
def test_the_cheap_profile_is_refused_outside_tests(env: str) -> None:
    with pytest.raises(ValidationError, match="only allowed with ENV=test"):
        Settings(_env_file=None, env=env, argon2_profile="test", secret_key="k" * 40)  # type: ignore[call-arg]
