from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from sunsupport.auth import credentials, email_link, service
from sunsupport.auth.deps import (
    AddressTurn,
    CallerClaims,
    CurrentUser,
    LoginGates,
    optional_claims,
)
from sunsupport.auth.schemas import (
    Credentials,
    EmailLinkIn,
    LoginIn,
    MeOut,
    PasswordChangeIn,
    ProfileIn,
    TokenOut,
    UserOut,
    VisitorTokenOut,
)
from sunsupport.core.deps import (
    ClientAddress,
    DatabaseDep,
    LimiterDep,
    PasswordsDep,
    SettingsDep,
    TokenDep,
)
from sunsupport.core.errors import Forbidden, error_responses
from sunsupport.models import User

router = APIRouter(prefix="/auth", tags=["auth"], responses=error_responses(503))

TOO_MANY_REGISTRATIONS = "Too many registrations from this address; try again later"
TOO_MANY_VISITORS = "Too many new visitors from this address; try again later"
TOO_MANY_RENEWALS = "Too many token renewals; try again later"


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses=error_responses(409, 413, 422, 429),
    dependencies=[AddressTurn],
)
async def register(
    body: Credentials,
    request: Request,
    db: DatabaseDep,
    passwords: PasswordsDep,
    limiter: LimiterDep,
    client: ClientAddress,
    token: TokenDep,
) -> UserOut:
    """A new account. Sent with a visitor's token (``Authorization: Bearer``), the visitor
    becomes this user and keeps their conversations; any other token is ignored."""
    await limiter.hit(limiter.registrations, f"addr:{client}", TOO_MANY_REGISTRATIONS)
    claims = optional_claims(request, token)
    if claims is not None and claims.visitor:
        user = await service.become_user(db, passwords, claims, body.username, body.password)
    else:
        user = await service.register(db, passwords, body.username, body.password)
    return UserOut.model_validate(user)


@router.post(
    "/visitor",
    status_code=status.HTTP_201_CREATED,
    response_model=VisitorTokenOut,
    responses=error_responses(429),
    dependencies=[AddressTurn],
)
async def visitor(
    db: DatabaseDep, settings: SettingsDep, limiter: LimiterDep, client: ClientAddress
) -> VisitorTokenOut:
    """Chat without registering (the widget): a passwordless visitor account and its
    token, valid ``VISITOR_TOKEN_EXPIRE_DAYS``."""
    await limiter.hit(limiter.visitors, f"addr:{client}", TOO_MANY_VISITORS)
    user = await service.create_visitor(db)
    return _visitor_token(user, service.issue_token(user, settings))


@router.post(
    "/visitor/renew",
    response_model=VisitorTokenOut,
    responses=error_responses(401, 403),
)
async def renew_visitor(
    user: CurrentUser, db: DatabaseDep, settings: SettingsDep
) -> VisitorTokenOut:
    """A fresh token for the calling visitor (the widget asks on each visit): a visitor
    who comes back within ``VISITOR_TOKEN_EXPIRE_DAYS`` keeps their chats and account."""
    if not user.is_visitor:
        raise Forbidden("Only a visitor's token is renewed; users log in")
    return _visitor_token(user, await service.renew_visitor(db, user, settings))


@router.post(
    "/renew",
    response_model=TokenOut,
    responses=error_responses(401, 403, 429),
)
async def renew(
    claims: CallerClaims, user: CurrentUser, settings: SettingsDep, limiter: LimiterDep
) -> TokenOut:
    """A fresh token for a signed-in user or staff member whose token still works, with
    the same sign-in time and token version: the pages ask while the person is active,
    so nobody is signed out mid-conversation. A renewal never outlives
    ``SESSION_MAX_HOURS`` after the sign-in; signing out everywhere, a new password or a
    deleted account still end the session at once (a new role applies from the next
    request). A visitor's token is 403 here (``POST /auth/visitor/renew``)."""
    if user.is_visitor or claims.visitor:
        raise Forbidden("A visitor's token is renewed with POST /auth/visitor/renew")
    await limiter.hit(limiter.renewals, f"user:{user.id}", TOO_MANY_RENEWALS)
    return TokenOut(access_token=service.renew_token(user, claims, settings))


def _visitor_token(user: User, token: str) -> VisitorTokenOut:
    return VisitorTokenOut(access_token=token, username=user.username, display_name=user.shown_name)


@router.post(
    "/login",
    response_model=TokenOut,
    responses=error_responses(401, 413, 422, 429),
)
async def login(
    body: LoginIn,
    db: DatabaseDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    passwords: PasswordsDep,
    gates: LoginGates,
    client: ClientAddress,
) -> TokenOut:
    user = await service.authenticate(
        db, passwords, limiter, gates, body.username, body.password, client
    )
    return TokenOut(access_token=service.issue_token(user, settings))


@router.post(
    "/token",
    response_model=TokenOut,
    responses=error_responses(401, 413, 422, 429),
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    db: DatabaseDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    passwords: PasswordsDep,
    gates: LoginGates,
    client: ClientAddress,
) -> TokenOut:
    """OAuth2 password flow, for the "Authorize" button of the interactive docs."""
    user = await service.authenticate(
        db, passwords, limiter, gates, form.username, form.password, client
    )
    return TokenOut(access_token=service.issue_token(user, settings))


@router.post(
    "/email-link",
    response_model=TokenOut,
    responses=error_responses(401, 413, 422, 429),
    dependencies=[AddressTurn],
)
async def redeem_email_link(
    body: EmailLinkIn,
    db: DatabaseDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    client: ClientAddress,
) -> TokenOut:
    """Sign in from a reply email's link: its ``key`` (valid ``EMAIL_LINK_EXPIRE_DAYS``)
    for a token of the account the email went to (a visitor's token for a visitor). A
    bad, expired or revoked key (sign out everywhere, a new password, a deleted account)
    is 401; failures count with failed logins per address. The key is good for nothing
    else: sent as a bearer token it is 401."""
    token = await email_link.redeem(db, settings, limiter, body.key, client)
    return TokenOut(access_token=token)


@router.get("/me", response_model=MeOut, responses=error_responses(401, 429))
async def me(user: CurrentUser) -> MeOut:
    return _me(user)


@router.patch("/me", response_model=MeOut, responses=error_responses(401, 413, 422, 429))
async def update_me(body: ProfileIn, db: DatabaseDep, user: CurrentUser) -> MeOut:
    """Change the display name and/or the email (users and visitors; only the fields
    sent). Operators see both in the console; replies are emailed to the address."""
    values = body.model_dump(include=body.model_fields_set)
    if "email" in values and values["email"] is not None:
        values["email"] = str(values["email"])
    changed = await service.update_profile(db, user, values) if values else user
    return _me(changed)


def _me(user: User) -> MeOut:
    return MeOut.model_validate(
        {
            "id": user.id,
            "username": user.username,
            "role": user.role,
            "display_name": user.shown_name,
            "email": user.email,
        }
    )


@router.post(
    "/password",
    response_model=TokenOut,
    responses=error_responses(401, 403, 413, 422, 429),
)
async def change_password(
    body: PasswordChangeIn,
    user: CurrentUser,
    db: DatabaseDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    passwords: PasswordsDep,
    gates: LoginGates,
    client: ClientAddress,
) -> TokenOut:
    """Change the password. Every token issued before stops working at once, in every
    process, and the account's live connections close; the answer is a new token.
    A wrong current password is 403 and counts as a failed login."""
    await credentials.confirm_password(
        db, passwords, limiter, gates, user, body.current_password, client
    )
    version = await credentials.change_password(db, passwords, user, body.new_password)
    return TokenOut(access_token=service.issue_token(user, settings, token_version=version))


@router.post(
    "/logout-all",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 429),
)
async def logout_all(user: CurrentUser, db: DatabaseDep) -> None:
    """Sign out everywhere: every token of the account stops working, this one too."""
    await credentials.revoke_tokens(db, user)
