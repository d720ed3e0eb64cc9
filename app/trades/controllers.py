from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from app.core.params import NO_NUL, RomeCode
from app.trades import schemas, services


class TradeController(Controller):
    path = "/api/trades"
    tags = ["reference"]

    @get("/", operation_id="findTrades")
    async def find_trades(
        self,
        q: Annotated[
            str,
            QueryParameter(max_length=100, pattern=NO_NUL, description="A job title: 'perchman'"),
        ] = "",
        mountain: Annotated[
            bool, QueryParameter(description="Only mountain-tourism trades")
        ] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> list[schemas.Trade]:
        """Trades whose code, label or job titles hold every word of q (no q: mountain trades)."""
        return [
            schemas.Trade(
                code=m.trade.code,
                label=m.trade.label,
                mountain=m.trade.mountain,
                mountain_label=m.trade.mountain_label,
                matched_title=m.title,
            )
            for m in await services.find(q, mountain_only=mountain, limit=limit)
        ]

    @get("/{code:str}", operation_id="getTrade")
    async def get_trade(self, code: RomeCode) -> schemas.TradeDetail:
        trade = await services.get_by_code(code)
        return schemas.TradeDetail(
            code=trade.code,
            label=trade.label,
            mountain=trade.mountain,
            mountain_label=trade.mountain_label,
            titles=await services.titles_of(trade.id),
        )
