from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.errors import NotFound

from ..case_schemas import DefinitionVersionSchema, DeployFilesSchema, ValidationResultSchema
from ..context import current_actor, engine
from ..schemas import ApiErrorSchema

blp = Blueprint("deployment", __name__, description="流程部署与版本（流程管理员）")


def _read(files: dict[str, Any]) -> tuple[bytes, list[tuple[str | None, bytes]], list[tuple[str | None, bytes]]]:
    return (files["bpmn"].read(), [(f.filename, f.read()) for f in files.get("forms") or []],
            [(f.filename, f.read()) for f in files.get("decisions") or []])


@blp.route("/process-definitions", methods=["POST"])
@blp.arguments(DeployFilesSchema, location="files")
@blp.response(201, DefinitionVersionSchema, description="已部署为新版本")
@blp.alt_response(200, schema=DefinitionVersionSchema, description="内容未变，返回现有版本")
@blp.alt_response(403, schema=ApiErrorSchema, description="不是流程管理员")
@blp.alt_response(413, schema=ApiErrorSchema, description="文件过大")
@blp.alt_response(422, schema=ApiErrorSchema, description="模型校验未通过（details 逐条列出元素 id 或文件名）")
def deploy(files: dict[str, Any]) -> Any:
    """Deploy a BPMN file with its form files (and DMN decision tables) as the next version of its process key."""
    bpmn, forms, decisions = _read(files)
    definition, created = engine().deployment.deploy(current_actor(), bpmn, forms, decisions)
    return definition, 201 if created else 200


@blp.route("/process-definitions/validate", methods=["POST"])
@blp.arguments(DeployFilesSchema, location="files")
@blp.response(200, ValidationResultSchema)
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(422, schema=ApiErrorSchema, description="模型校验未通过（details 逐条列出元素 id 或文件名）")
def validate_model(files: dict[str, Any]) -> dict[str, Any]:
    """Check a BPMN file and its forms as a deployment would, without deploying."""
    bpmn, forms, decisions = _read(files)
    compiled = engine().deployment.validate(current_actor(), bpmn, forms, decisions)
    return {"ok": True, "key": compiled.key, "name": compiled.name}


class ImportQuerySchema(Schema):
    deploy = fields.Boolean(load_default=False,
                            metadata={"description": "转换并校验通过后直接部署（默认只转换、校验）"})


class ImportNoteSchema(Schema):
    path = fields.String(required=True, metadata={"description": "元素 id"})
    message = fields.String(required=True)
    converted = fields.Boolean(required=True, metadata={"description": "false：未能转换，需要手工处理"})


class ImportResultSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    report = fields.List(fields.Nested(ImportNoteSchema), required=True, metadata={"description": "逐个元素的转换结果"})
    bpmn = fields.String(required=True, metadata={"description": "转换后的 BPMN"})
    forms = fields.Dict(required=True, metadata={"description": "转换得到的表单文件：文件名 → JSON"})
    deployed = fields.Nested(DefinitionVersionSchema, allow_none=True,
                             metadata={"description": "部署的版本（deploy=true）"})


@blp.route("/process-definitions/import", methods=["POST"])
@blp.arguments(ImportQuerySchema, location="query")
@blp.arguments(DeployFilesSchema, location="files")
@blp.response(200, ImportResultSchema, description="已转换并校验（deploy=true 且内容未变时返回现有版本）")
@blp.alt_response(201, schema=ImportResultSchema, description="已转换并部署为新版本")
@blp.alt_response(403, schema=ApiErrorSchema, description="不是流程管理员")
@blp.alt_response(413, schema=ApiErrorSchema, description="文件过大")
@blp.alt_response(422, schema=ApiErrorSchema, description="转换后的模型校验未通过（details 含未能转换的元素）")
def import_camunda(query: dict[str, Any], files: dict[str, Any]) -> Any:
    """Import a model drawn in Camunda Modeler: camunda:formData forms become JSON Schema + UI schema, simple JUEL
    conditions sandbox expressions, candidate groups naming a role its lane; the report says, element by element,
    what was converted and what was not. With deploy=true the converted model is deployed."""
    bpmn, forms, decisions = _read(files)
    result, created = engine().deployment.import_camunda(current_actor(), bpmn, forms, decisions, query["deploy"])
    return result, 201 if created else 200


@blp.route("/process-definitions/<string:key>/versions")
@blp.response(200, DefinitionVersionSchema(many=True))
@blp.alt_response(404, schema=ApiErrorSchema)
def versions(key: str) -> list[dict[str, Any]]:
    """Every deployed version of a procedure, oldest first."""
    current_actor()
    return engine().views.versions(key)


@blp.route("/process-definitions/<string:key>/versions/<int:version>/xml")
@blp.response(200, {"type": "string"}, content_type="application/xml", description="部署时上传的 BPMN 原文")
@blp.alt_response(404, schema=ApiErrorSchema)
def version_xml(key: str, version: int) -> Response:
    """The BPMN of one version, exactly as it was uploaded."""
    current_actor()
    row = engine().views.version(key, version)
    return Response(row.bpmn_xml.encode("utf-8"), mimetype="application/xml",
                    headers={"Content-Disposition": f'inline; filename="{row.key}.v{row.version}.bpmn"'})


@blp.route("/process-definitions/<string:key>/versions/<int:version>/forms")
@blp.response(200, {"type": "object", "additionalProperties": {"type": "object"}},
              description="文件名 → 表单 JSON（JSON Schema 或 UI schema）")
@blp.alt_response(404, schema=ApiErrorSchema)
def version_forms(key: str, version: int) -> Any:
    """The form files of one version: file name → JSON document."""
    current_actor()
    return jsonify(engine().views.version(key, version).forms)


@blp.route("/process-definitions/<string:key>/versions/<int:version>/decisions")
@blp.response(200, {"type": "object", "additionalProperties": {"type": "string"}},
              description="文件名 → DMN 原文（XML）")
@blp.alt_response(404, schema=ApiErrorSchema)
def version_decisions(key: str, version: int) -> Any:
    """The DMN decision tables of one version: file name → XML text, exactly as uploaded."""
    current_actor()
    return jsonify(engine().views.version(key, version).decisions or {})


@blp.route("/process-definitions/<string:key>/versions/<int:version>/decisions/<string:name>")
@blp.response(200, {"type": "string"}, content_type="application/xml", description="DMN 原文")
@blp.alt_response(404, schema=ApiErrorSchema)
def version_decision(key: str, version: int, name: str) -> Response:
    """One DMN file of a version, exactly as uploaded (for dmn-js)."""
    current_actor()
    text = (engine().views.version(key, version).decisions or {}).get(name)
    if text is None:
        raise NotFound(f"流程 {key} 版本 {version} 没有决策文件 {name}")
    return Response(text.encode("utf-8"), mimetype="application/xml",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})
