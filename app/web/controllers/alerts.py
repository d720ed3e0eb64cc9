"""The pages behind the links of alert emails: confirm, manage, unsubscribe (RFC 8058)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from app.alerts import services
from app.alerts.schemas import AlertUpdate, Frequency
from app.core.dependencies import AppSettings, CurrentClock
from app.core.errors import DomainError, InvalidInput
from app.core.params import Id
from app.web.csrf import SIGNED_LINK, public_form
from app.web.form_input import read_form
from app.web.pages import page, problem_page

Token = Annotated[str, QueryParameter(min_length=10, max_length=2000)]
ONE_CLICK = "RFC 8058 one-click unsubscribe: mail clients POST it without cookies"


async def _manage_context(email: str, token: str) -> dict[str, Any]:
    rows = await services.alerts_of(email)
    alerts = [
        {
            "id": row.id,
            "frequency": row.frequency,
            "confirmed": services.is_confirmed(row),
            "parts": await services.describe(services.saved_search(row)),
        }
        for row in rows
    ]
    return {"email": email, "alerts": alerts, "token": token, "frequencies": list(Frequency)}


class AlertPages(Controller):
    path = "/alertes"
    include_in_schema = False

    @get("/confirmer", name="alert-confirm-page")
    async def confirm_page(self, token: Token) -> Template:
        """A button, not an action: mail scanners that open links do not confirm for people."""
        return page("alerts/confirm.html", token=token)

    @post("/confirmer", status_code=200, opt=public_form(SIGNED_LINK))
    async def confirm(self, token: Token, settings: AppSettings, clock: CurrentClock) -> Template:
        now = clock.now()
        try:
            row = await services.confirm(token, settings, now)
        except DomainError as error:
            return problem_page(error)
        return page(
            "alerts/confirmed.html",
            parts=await services.describe(services.saved_search(row)),
            frequency=row.frequency,
            manage_url=services.links(row, settings, now)["manage"],
        )

    @get("/desabonner")
    async def unsubscribe_page(self, token: Token) -> Template:
        return page("alerts/unsubscribe.html", token=token)

    @post("/desabonner", status_code=200, opt=public_form(ONE_CLICK))
    async def unsubscribe(
        self, token: Token, settings: AppSettings, clock: CurrentClock
    ) -> Template:
        """Also the RFC 8058 one-click target: mail clients POST List-Unsubscribe=One-Click."""
        try:
            await services.unsubscribe(token, settings, clock.now())
        except DomainError as error:
            return problem_page(error)
        return page("alerts/unsubscribed.html")

    @get("/gerer")
    async def manage(self, token: Token, settings: AppSettings, clock: CurrentClock) -> Template:
        try:
            email = services.email_of(token, settings, clock.now())
        except DomainError as error:
            return problem_page(error)
        return page("alerts/manage.html", **await _manage_context(email, token), saved=None)

    @post("/gerer/{alert_id:int}", status_code=200, opt=public_form(SIGNED_LINK))
    async def change(
        self,
        alert_id: Id,
        token: Token,
        request: Request[Any, Any, Any],
        settings: AppSettings,
        clock: CurrentClock,
    ) -> Template | Redirect:
        now = clock.now()
        form = await read_form(request)  # a choice and an action: no text of its own
        try:
            email = services.email_of(token, settings, now)
            if form.get("action") == "delete":
                await services.delete(alert_id, email)
                saved = "deleted"
            else:
                value = str(form.get("frequency", ""))
                if value not in {f.value for f in Frequency}:
                    raise InvalidInput.one("frequency", "expected instant, daily or weekly")
                await services.update(alert_id, email, AlertUpdate(frequency=Frequency(value)), now)
                saved = "changed"
        except DomainError as error:
            return problem_page(error)
        return page("alerts/manage.html", **await _manage_context(email, token), saved=saved)
