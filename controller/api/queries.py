"""The fleet query servicer for the TUI and CLI: assets, details, history, pushed changes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import grpc

from controller.queries import Queries
from hotspare import convert
from hotspare.v1 import query_pb2, query_pb2_grpc


def _now_ms() -> int:
    return int(time.time() * 1000)


class QueryService(query_pb2_grpc.QueryServiceServicer):
    """Fleet queries for the TUI and CLI."""

    def __init__(self, queries: Queries) -> None:
        self._q = queries

    async def ListAssets(
        self, request: query_pb2.ListAssetsRequest, context: grpc.aio.ServicerContext
    ) -> query_pb2.ListAssetsResponse:
        if request.page_size:
            page, token, total = await self._q.page(request.page_token, request.page_size)
            return query_pb2.ListAssetsResponse(
                assets=[convert.summary_to_pb(s) for s in page], next_page_token=token,
                total=total)
        summaries = await self._q.summaries()
        return query_pb2.ListAssetsResponse(assets=[convert.summary_to_pb(s) for s in summaries],
                                            total=len(summaries))

    async def GetAsset(
        self, request: query_pb2.GetAssetRequest, context: grpc.aio.ServicerContext
    ) -> query_pb2.AssetDetail:
        detail = await self._q.detail(request.asset_id)
        if detail is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no asset {request.asset_id!r}")
        assert detail is not None
        return convert.detail_to_pb(detail)

    async def GetHistory(
        self, request: query_pb2.HistoryRequest, context: grpc.aio.ServicerContext
    ) -> query_pb2.HistoryResponse:
        to_ms = request.to_unix_ms or _now_ms()
        from_ms = request.from_unix_ms or to_ms - 3600_000
        if from_ms > to_ms:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "from is after to")
        points = await self._q.history(
            request.asset_id, request.sensor_id, from_ms, to_ms, request.max_points or 500
        )
        gaps = await self._q.gaps(request.asset_id, from_ms, to_ms)
        return convert.history_to_pb(points, gaps)

    async def ForgetAsset(
        self, request: query_pb2.ForgetAssetRequest, context: grpc.aio.ServicerContext
    ) -> query_pb2.ForgetAssetResponse:
        removed = await self._q.forget(request.asset_id)
        if not removed.get("assets"):
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no asset {request.asset_id!r}")
        return convert.forget_to_pb(request.asset_id, removed)

    async def WatchFleet(
        self, request: query_pb2.WatchFleetRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[query_pb2.FleetUpdate]:
        token = self._q.hub.subscribe()
        try:
            summaries = [] if request.skip_snapshot else await self._q.summaries()
            yield query_pb2.FleetUpdate(
                snapshot=True, assets=[convert.summary_to_pb(s) for s in summaries]
            )
            while True:
                changed = await self._q.hub.next_changes(token)
                summaries = await self._q.summaries(changed)
                if summaries:
                    yield query_pb2.FleetUpdate(
                        snapshot=False, assets=[convert.summary_to_pb(s) for s in summaries]
                    )
                await asyncio.sleep(0.25)  # coalesce bursts: at most 4 updates/s per watcher
        finally:
            self._q.hub.unsubscribe(token)
