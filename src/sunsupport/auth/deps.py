"""Who is calling: the token's user for HTTP routes and WebSockets, and role checks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request, Response, WebSocket
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import HTTPConnection

from sunsupport.auth import service
from sunsupport.core.config import Settings
from sunsupport.core.deps import ClientAddress, TokenDep, oauth2_scheme
from sunsupport.core.errors import Forbidden, Unauthorized
from sunsupport.core.fairness import Gates
from sunsupport.core.security import InvalidToken, TokenClaims, decode_access_token
from sunsupport.core.uow import Database
from sunsupport.live import socket
from sunsupport.models import Role, User


def _claims(connection: HTTPConnection, token: str | None) -> TokenClaims:
    if not token:
        raise Unauthorized("Not authenticated")
    settings: Settings = connection.app.state.settings
    try:
        return decode_access_token(token, settings.secret_key or "")
    except InvalidToken as exc:
        raise Unauthorized("Invalid or expired token") from exc


async def user_for_token(connection: HTTPConnection, token: str | None) -> User:
    """The token's user, looked up in a short read-only unit of work of its own; any
    problem is :class:`Unauthorized`.

    The lookup is a read unit of its own, finished before the endpoint runs: a request
    never holds one connection while waiting for another.
    """
    return await _user(connection, _claims(connection, token))


async def _user(connection: HTTPConnection, claims: TokenClaims) -> User:
    database: Database = connection.app.state.db
    return await database.read(service.caller, claims)


async def socket_user(websocket: WebSocket, token: str | None) -> tuple[User, datetime] | None:
    """The user of a live connection's auth frame and when its token expires, or None
    after closing the connection with 4401."""
    try:
        claims = _claims(websocket, token)
        return await _user(websocket, claims), claims.expires_at
    except Unauthorized:
        await socket.close(websocket, socket.NOT_AUTHENTICATED, "Not authenticated")
        return None


@dataclass(frozen=True, slots=True)
class SocketCaller:
    """Who opened a live connection, until when its token holds (moved on by renewed
    tokens), and its hello frame."""

    user: User
    lease: socket.Lease
    hello: socket.Hello

    def renewing(self, websocket: WebSocket, on_frame: socket.FrameHandler) -> socket.FrameHandler:
        """``on_frame``, but an ``auth`` frame with the same session's renewed token moves
        the connection's expiry on. The token must be good and of the same account at
        the same token version as the connection's (what the first frame proved; the
        account itself is re-checked every minute and on every change): anything else
        closes the connection with 4401."""

        async def handle(frame: dict[str, Any]) -> None:
            if frame.get("type") != "auth":
                await on_frame(frame)
                return
            token = frame.get("token")
            try:
                claims = _claims(websocket, token if isinstance(token, str) else None)
            except Unauthorized as exc:
                raise socket.Refused(socket.NOT_AUTHENTICATED, "Not authenticated") from exc
            if (claims.user_id, claims.token_version) != (self.user.id, self.user.token_version):
                raise socket.Refused(socket.NOT_AUTHENTICATED, "Not this connection's session")
            self.lease.extend(claims.expires_at)

        return handle


async def admit_socket(websocket: WebSocket) -> SocketCaller | None:
    """The first steps of every live socket: a place among the connections being set up
    (else 1013), accepting, the hello frame and its token's user (else 4401). None when
    the socket was closed."""
    admission: socket.Admission = websocket.app.state.socket_admission
    with admission.hold("pending") as room:
        if not room:
            await socket.close(websocket, socket.TRY_LATER, "Too many connections; retry")
            return None
        await websocket.accept()
        hello = await socket.receive_hello(websocket)
        authenticated = await socket_user(websocket, hello.token)
    if authenticated is None:
        return None
    user, expires_at = authenticated
    return SocketCaller(user, socket.Lease(expires_at), hello)


def optional_claims(connection: HTTPConnection, token: str | None) -> TokenClaims | None:
    """The claims of a token that may be absent or bad (registration accepts any)."""
    try:
        return _claims(connection, token)
    except Unauthorized:
        return None


async def get_caller_claims(request: Request, token: TokenDep) -> AsyncIterator[TokenClaims]:
    """The caller's token, checked but for the account itself, and the caller's turn at
    the server: a few of one person's requests run at a time, the rest wait (see
    :mod:`sunsupport.core.fairness`). A route taking this instead of :data:`CurrentUser`
    must check the account in its first read (:func:`service.caller`)."""
    claims = _claims(request, token)
    gates: Gates = request.app.state.user_gates
    async with gates.turn(f"user:{claims.user_id}"):
        yield claims


CallerClaims = Annotated[TokenClaims, Depends(get_caller_claims)]


class AccountFirstRoute(APIRoute):
    """A revoked token gets 401, as on every other route, on routes taking
    :data:`CallerClaims` (the others are left as they are). Such a route checks the
    account in its own first read, which a body failing validation (422) or a request
    refused before that read (403) never reaches; so on those answers, and only then, the
    account is looked up first."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not _depends_on(self.dependant, get_caller_claims):
            return handler

        async def account_first(request: Request) -> Response:
            try:
                return await handler(request)
            except (RequestValidationError, Forbidden):
                await _refuse_revoked(request)
                raise

        return account_first


def _depends_on(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return any(d.call is call or _depends_on(d, call) for d in dependant.dependencies)


async def _refuse_revoked(request: Request) -> None:
    """Unauthorized when the request's token no longer holds (revoked, or its account
    gone). If the check itself fails (the database away), the route's own answer stands."""
    token = await oauth2_scheme(request)
    if not token:
        return
    try:
        await user_for_token(request, token)
    except Unauthorized:
        raise
    except Exception:  # only a courtesy to the client: the route's own answer stands
        return


async def get_current_user(request: Request, claims: CallerClaims) -> User:
    """The caller's account, read as it is now (a revoked token is refused here)."""
    return await _user(request, claims)


async def get_address_turn(request: Request, client: ClientAddress) -> AsyncIterator[None]:
    """Before login (register, login): a few requests per client address at a time."""
    gates: Gates = request.app.state.address_gates
    async with gates.turn(f"addr:{client}"):
        yield


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_staff_user(request: Request, user: CurrentUser) -> User:
    """An operator or admin; using a staff endpoint counts as being present (recorded in
    the background)."""
    if not user.is_staff:
        raise Forbidden("Operators only")
    presence: service.Presence = request.app.state.presence
    presence.seen(user)
    return user


async def get_admin_user(user: CurrentUser) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden("Admins only")
    return user


async def get_login_gates(request: Request) -> Gates:
    gates: Gates = request.app.state.login_gates
    return gates


AddressTurn = Depends(get_address_turn)
LoginGates = Annotated[Gates, Depends(get_login_gates)]
StaffUser = Annotated[User, Depends(get_staff_user)]
AdminUser = Annotated[User, Depends(get_admin_user)]
