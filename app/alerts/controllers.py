from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from app.alerts import schemas, services
from app.core.dependencies import AppSettings, CurrentClock
from app.core.params import Id
from app.core.ratelimit import alert_rate_guard

Token = Annotated[str, QueryParameter(min_length=10, max_length=2000, description="Signed link")]


class AlertController(Controller):
    path = "/api/alerts"
    tags = ["alerts"]

    @post(
        "/",
        operation_id="subscribeAlert",
        status_code=HTTP_202_ACCEPTED,
        guards=[alert_rate_guard],
        responses={429: ResponseSpec(None, description="Too many subscriptions from this client")},
    )
    async def subscribe(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[schemas.AlertCreate],
        settings: AppSettings,
        clock: CurrentClock,
    ) -> schemas.Subscribed:
        """Save a search; a confirmation email is sent (double opt-in). No account needed."""
        await services.subscribe_and_confirm(data, settings, clock.now(), request.app.state.queue)
        return schemas.Subscribed(
            status="pending",
            detail="Si cette adresse est valide, un e-mail de confirmation va lui être envoyé.",
        )

    @get("/confirm", operation_id="confirmAlert")
    async def confirm(
        self, token: Token, settings: AppSettings, clock: CurrentClock
    ) -> schemas.Alert:
        return services.to_schema(await services.confirm(token, settings, clock.now()))

    @post("/unsubscribe", operation_id="unsubscribeAlert", status_code=HTTP_200_OK)
    async def unsubscribe(
        self, token: Token, settings: AppSettings, clock: CurrentClock
    ) -> schemas.Unsubscribed:
        """One-click unsubscribe (RFC 8058): deletes the alert and its send log."""
        deleted = await services.unsubscribe(token, settings, clock.now())
        return schemas.Unsubscribed(deleted=deleted)

    @get("/", operation_id="listMyAlerts")
    async def list_alerts(
        self, token: Token, settings: AppSettings, clock: CurrentClock
    ) -> list[schemas.Alert]:
        """Every alert of the address the signed manage link was sent to."""
        email = services.email_of(token, settings, clock.now())
        return [services.to_schema(r) for r in await services.alerts_of(email)]

    @patch("/{alert_id:int}", operation_id="updateMyAlert")
    async def update_alert(
        self,
        alert_id: Id,
        token: Token,
        data: JSONBody[schemas.AlertUpdate],
        settings: AppSettings,
        clock: CurrentClock,
    ) -> schemas.Alert:
        now = clock.now()
        email = services.email_of(token, settings, now)
        return services.to_schema(await services.update(alert_id, email, data, now))

    @delete("/{alert_id:int}", operation_id="deleteMyAlert", status_code=HTTP_204_NO_CONTENT)
    async def delete_alert(
        self, alert_id: Id, token: Token, settings: AppSettings, clock: CurrentClock
    ) -> None:
        await services.delete(alert_id, services.email_of(token, settings, clock.now()))
