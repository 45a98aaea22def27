"""The server interceptor: every RPC authenticated, checked against the role table, 2FA enforced."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from controller.auth.identity import LOCAL_ADMIN, Identity, set_current
from controller.auth.policy import OPEN_PREFIXES, SECOND_FACTOR, allowed, needed
from controller.auth.users import Users

log = logging.getLogger("hotspare.controller.auth")
OTP_KEY = "x-hotspare-otp"
AGENT_STREAM = "/hotspare.v1.AgentService/Stream"
_LOOPBACK_PEERS = ("ipv4:127.", "ipv6:[::1]", "unix:")


class Guard(grpc.aio.ServerInterceptor):
    """Deny by default; the identity is set for the servicer (who is never a client field)."""

    def __init__(self, users: Users, *, tls: bool, loopback_listen: bool) -> None:
        self._users = users
        self._tls = tls
        self._loopback_listen = loopback_listen

    async def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        raw = handler_call_details.method  # type: ignore[attr-defined]
        method = raw.decode() if isinstance(raw, bytes) else str(raw)
        if handler is None or method.startswith(OPEN_PREFIXES):
            return handler
        return self._wrap(method, handler)

    def _wrap(self, method: str, h: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        guard = self
        if h.unary_unary is not None:
            unary = h.unary_unary

            async def uu(request: Any, context: grpc.aio.ServicerContext) -> Any:
                set_current(await guard.authorize(method, request, context))
                return await unary(request, context)
            return grpc.unary_unary_rpc_method_handler(
                uu, h.request_deserializer, h.response_serializer)
        if h.unary_stream is not None:
            ustream = h.unary_stream

            async def us(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
                set_current(await guard.authorize(method, request, context))
                async for item in ustream(request, context):
                    yield item
            return grpc.unary_stream_rpc_method_handler(
                us, h.request_deserializer, h.response_serializer)
        if h.stream_stream is not None:
            sstream = h.stream_stream

            async def ss(requests: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
                set_current(await guard.authorize(method, None, context))
                async for item in sstream(requests, context):
                    yield item
            return grpc.stream_stream_rpc_method_handler(
                ss, h.request_deserializer, h.response_serializer)
        return h  # stream-unary: none in the API; the role table still names none

    def _local_admin_ok(self, context: grpc.aio.ServicerContext) -> bool:
        return (not self._tls and self._loopback_listen and not self._users.any
                and context.peer().startswith(_LOOPBACK_PEERS))

    async def identify(self, method: str, context: grpc.aio.ServicerContext) -> Identity:
        metadata = {k: v for k, v in (context.invocation_metadata() or ())
                    if isinstance(v, str)}
        auth = metadata.get("authorization", "")
        if auth:
            ident = self._users.authenticate(auth.removeprefix("Bearer ").strip())
            if ident is None:
                await context.abort(grpc.StatusCode.UNAUTHENTICATED, "invalid or revoked token")
            assert ident is not None
            return ident
        names = (context.auth_context() or {}).get("x509_common_name") or []
        if names:
            return Identity(names[0].decode(errors="replace"), "agent", "agent")
        if method == AGENT_STREAM and not self._tls:
            return Identity("", "agent", "agent")  # loopback/insecure: bound to its Hello id
        if self._local_admin_ok(context):
            return LOCAL_ADMIN
        await context.abort(grpc.StatusCode.UNAUTHENTICATED,
                            "authentication required: set HOTSPARE_TOKEN or --token-file")
        raise AssertionError  # abort raises

    async def authorize(self, method: str, request: Any,
                        context: grpc.aio.ServicerContext) -> Identity:
        ident = await self.identify(method, context)
        need = needed(method, request)
        short = method.rsplit("/", 1)[-1]
        if need is None or not allowed(ident.role, need):
            log.warning("denied %s to %s (%s)", short, ident.name or "agent", ident.role)
            await context.abort(grpc.StatusCode.PERMISSION_DENIED,
                                f"{ident.name or 'agent'} ({ident.role}) may not call {short}"
                                f" (needs {need or 'a permission no role has'})")
        second = SECOND_FACTOR.get(method)
        if ident.totp and second is not None and second(request):
            metadata = dict(context.invocation_metadata() or ())
            why = await self._users.check_otp(ident, str(metadata.get(OTP_KEY, "")))
            if why:
                log.warning("second factor refused for %s on %s: %s", ident.name, short, why)
                await context.abort(grpc.StatusCode.UNAUTHENTICATED, why)
        return ident
