from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..context import current_actor, engine
from ..identity_schemas import MeSchema, OrganisationSchema, RoleSchema

blp = Blueprint("identity", __name__, description="当前用户、单位与角色")


@blp.route("/me")
@blp.response(200, MeSchema)
def me() -> dict[str, Any]:
    """The user of this token: roles and organisation."""
    return engine().users.me(current_actor())


@blp.route("/organisations")
@blp.response(200, OrganisationSchema(many=True))
def organisations() -> list[dict[str, Any]]:
    """All organisations (a tree by ``parent``)."""
    current_actor()
    return engine().users.organisations()


@blp.route("/roles")
@blp.response(200, RoleSchema(many=True))
def roles() -> list[dict[str, Any]]:
    """All roles; a lane of a procedure is named by a role id."""
    current_actor()
    return engine().users.roles()
