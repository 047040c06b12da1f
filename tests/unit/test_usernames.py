"""Names that look alike share a skeleton (Unicode TS #39); names of two scripts are
refused; common and name-like passwords are refused."""

from __future__ import annotations

import pytest
from pydantic_core import PydanticCustomError

from sunsupport.auth.password_rules import check_password, common_passwords
from sunsupport.core.usernames import NameProblem, check_characters, normalise, skeleton


@pytest.mark.parametrize(
    ("name", "look_alike"),
    [
        ("admin1", "аdmin1"),  # Cyrillic а
        ("admin1", "ａｄｍｉｎ1"),  # fullwidth
        ("admin1", "adminl"),  # l for 1
        ("Ivan", "lvan"),  # capital I for l
        ("cope", "соре"),  # all Cyrillic
        ("modem", "rnodern"),  # rn for m
        ("admin0", "adminO"),
    ],
)
def test_look_alikes_share_a_skeleton(name: str, look_alike: str) -> None:
    assert skeleton(name) == skeleton(look_alike)


@pytest.mark.parametrize(
    ("name", "other"), [("admin1", "admin2"), ("ivan", "iwan"), ("иван", "ivan")]
)
def test_different_names_keep_different_skeletons(name: str, other: str) -> None:
    assert skeleton(name) != skeleton(other)


@pytest.mark.parametrize("name", ["ivan.petrov", "Иван_2024", "sun-fan", "café12", "ёжик"])
def test_one_script_names_pass(name: str) -> None:
    check_characters(normalise(name))


@pytest.mark.parametrize("name", ["аdmin1", "ivanИван", "ηλιος", "ab٣c", "x\u0301y"])
def test_mixed_or_foreign_names_are_refused(name: str) -> None:
    with pytest.raises(NameProblem):
        check_characters(normalise(name))


def test_the_common_password_list_is_the_bundled_one() -> None:
    words = common_passwords()
    assert len(words) > 19_000
    assert {"password", "12345678", "qwerty123", "йцукенгшщз", "пароль123"} <= words


@pytest.mark.parametrize(
    ("password", "kind"),
    [
        ("password", "password_too_common"),
        ("PassWord", "password_too_common"),
        ("sunny_dawn", "password_like_username"),
        ("nwad_ynnus", "password_like_username"),
        ("my-sunny_dawn!", "password_like_username"),
    ],
)
def test_weak_passwords_are_refused(password: str, kind: str) -> None:
    with pytest.raises(PydanticCustomError) as refused:
        check_password(password, "Sunny_Dawn")
    assert refused.value.type == kind


def test_a_good_password_passes() -> None:
    check_password("amber-sunrise-77", "sunny_dawn")
