"""Deployed process definitions: versions in the database, compiled specs cached in memory."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.definitions.admission import admission_problems, unsupported_problems
from engine.definitions.compile import CompiledDefinition, compile_definition, content_hash
from engine.errors import InvalidModel, NotFound, Problem
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.runtime import callees
from engine.store.models import ProcessDefinition, Role
from engine.timers import start_timers


@dataclass(frozen=True)
class DefinitionInfo:
    id: int
    key: str
    name: str
    version: int


def _forms_as_bytes(forms: dict[str, object]) -> dict[str, bytes]:
    return {name: json.dumps(doc, ensure_ascii=False, sort_keys=True).encode() for name, doc in forms.items()}


def _decisions_as_bytes(decisions: dict[str, str] | None) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in (decisions or {}).items()}


_LATEST_ID = (select(ProcessDefinition.id, ProcessDefinition.version).where(ProcessDefinition.key == bindparam("key"))
              .order_by(ProcessDefinition.version.desc()).limit(1))

# Compiled definitions by content hash: content-addressed, so safe to share process-wide.
_BY_HASH: dict[str, CompiledDefinition] = {}
_BY_HASH_LOCK = threading.Lock()


class DefinitionRegistry:
    """Compiles each definition version once and keeps it (parsing per request triples cost)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._compiled: dict[int, CompiledDefinition] = {}
        self._lock = threading.Lock()

    def known_roles(self, session: Session) -> set[str]:
        return set(session.scalars(select(Role.id)))

    def compile_upload(self, session: Session, bpmn: bytes, forms: dict[str, bytes],
                       decisions: dict[str, bytes] | None = None) -> CompiledDefinition:
        """Compile an upload and admit it (engine/definitions/admission.py): refuse, naming every element
        at fault at once, a model the engine cannot run or whose cases could wait for ever."""
        early = unsupported_problems(bpmn)
        try:
            compiled = _BY_HASH.get(content_hash(bpmn, forms, decisions)) or compile_definition(
                bpmn, forms, self.known_roles(session), decisions)
        except InvalidModel as exc:
            if not early:
                raise
            named = {p.path for p in early}
            raise InvalidModel(exc.message, early + [p for p in exc.details if p.path not in named]) from exc
        roles = list(session.scalars(select(Role)))
        early.extend(self._callee_problems(session, compiled))
        named = {p.path for p in early}
        problems = early + [p for p in admission_problems(compiled, {r.id: r.scope for r in roles},
                                                         {r.id: r.name for r in roles}) if p.path not in named]
        if problems:
            raise InvalidModel("流程模型校验未通过", problems)
        return compiled

    def compiled(self, session: Session, definition_id: int) -> CompiledDefinition:
        found = self._compiled.get(definition_id)
        if found is not None:
            return found
        row = session.get(ProcessDefinition, definition_id)
        if row is None:
            raise NotFound(f"流程定义 {definition_id} 不存在")
        compiled = _BY_HASH.get(row.content_hash)
        if compiled is None:
            compiled = compile_definition(row.bpmn_xml.encode(), _forms_as_bytes(row.forms),
                                          self.known_roles(session), _decisions_as_bytes(row.decisions))
            with _BY_HASH_LOCK:
                _BY_HASH[row.content_hash] = compiled
        with self._lock:
            self._compiled[definition_id] = compiled
        return compiled

    def load(self, session: Session, definition_id: int, content_hash: str) -> CompiledDefinition:
        """A version by id, checked against the content hash a case bound it by (engine/runtime/callees.py)."""
        found = _BY_HASH.get(content_hash)
        if found is not None:
            return found
        compiled = self.compiled(session, definition_id)
        if compiled.content_hash != content_hash:
            raise NotFound(f"流程定义 {definition_id} 与办件调用时的版本不符")
        return compiled

    def callee_resolver(self, session: Session) -> callees.Resolver:
        """Bind a called procedure to its latest version now (the journal keeps which)."""
        def resolve(process: str) -> tuple[callees.Binding, CompiledDefinition] | None:
            found = session.connection().execute(_LATEST_ID, {"key": process}).first()
            if found is None:
                return None
            compiled = self.compiled(session, int(found[0]))
            return callees.Binding(process, int(found[0]), int(found[1]), compiled.content_hash), compiled
        return resolve

    def _callee_problems(self, session: Session, compiled: CompiledDefinition) -> list[Problem]:
        """Each procedure a call activity calls must be deployed, and no chain of calls may come back."""
        problems = []
        for element, callee in sorted(compiled.calls.items()):
            name = compiled.elements[element].name if element in compiled.elements else element
            if callee == compiled.key:
                problems.append(Problem(element, f"调用活动「{name}」调用的是本流程自身，办件会无限调用下去"))
                continue
            found = session.connection().execute(_LATEST_ID, {"key": callee}).first()
            if found is None:
                problems.append(Problem(element, f"调用活动「{name}」调用的流程 {callee!r} 尚未部署："
                                        "请先部署被调用的流程（calledElement 填它的流程 id）"))
            elif compiled.key in self._calls_reaching(session, callee, set()):
                problems.append(Problem(element, f"调用活动「{name}」调用的流程 {callee} 又（间接）调用本流程，"
                                        "办件会无限调用下去"))
        return problems

    def _calls_reaching(self, session: Session, key: str, seen: set[str]) -> set[str]:
        """The procedures the latest version of ``key`` calls, directly or through others."""
        if key in seen:
            return seen
        seen.add(key)
        found = session.connection().execute(_LATEST_ID, {"key": key}).first()
        if found is not None:
            for callee in self.compiled(session, int(found[0])).calls.values():
                self._calls_reaching(session, callee, seen)
        return seen

    def latest_id(self, session: Session, key: str) -> tuple[int, int]:
        """The id and version number of the newest version of ``key`` (without loading its XML and forms)."""
        found = session.connection().execute(_LATEST_ID, {"key": key}).first()  # Core: no ORM layer
        if found is None:
            raise NotFound(f"流程 {key} 不存在")
        return int(found[0]), int(found[1])

    def latest(self, session: Session, key: str) -> ProcessDefinition:
        row = session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key)
                             .order_by(ProcessDefinition.version.desc()).limit(1))
        if row is None:
            raise NotFound(f"流程 {key} 不存在")
        return row

    def latest_all(self, session: Session) -> list[ProcessDefinition]:
        newest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
                  .group_by(ProcessDefinition.key).subquery())
        stmt = (select(ProcessDefinition)
                .join(newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.v))
                .order_by(ProcessDefinition.key))
        return list(session.scalars(stmt))

    def versions(self, session: Session, key: str) -> list[ProcessDefinition]:
        rows = list(session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                    .order_by(ProcessDefinition.version)))
        if not rows:
            raise NotFound(f"流程 {key} 不存在")
        return rows

    def version(self, session: Session, key: str, version: int) -> ProcessDefinition:
        row = session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                             ProcessDefinition.version == version))
        if row is None:
            raise NotFound(f"流程 {key} 没有版本 {version}")
        return row

    def deploy(self, session: Session, bpmn: bytes, forms: dict[str, bytes],
               actor: Actor | None = None, decisions: dict[str, bytes] | None = None) -> tuple[ProcessDefinition, bool]:
        """Validate and store as the next version of its key; unchanged content is not redeployed.

        Returns the definition row and whether a new version was created.
        """
        digest = content_hash(bpmn, forms, decisions)
        compiled = self.compile_upload(session, bpmn, forms, decisions)
        current = session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == compiled.key)
                                 .order_by(ProcessDefinition.version.desc()).limit(1))
        if current is not None and current.content_hash == digest:
            return current, False
        row = ProcessDefinition(
            key=compiled.key,
            version=(current.version + 1) if current else 1,
            name=compiled.name,
            bpmn_xml=compiled.bpmn_xml,
            forms=compiled.forms,
            decisions=compiled.decisions or None,
            content_hash=digest,
            deployed_at=self.clock.now(),
            deployed_by=actor.username if actor else None,
        )
        session.add(row)
        session.flush()
        # a timer start event's row follows the latest version (engine/timers/start_timers.py)
        start_timers.arm_for_version(session, compiled, row, OrgDirectory.load(session), self.clock.now())
        with _BY_HASH_LOCK:
            _BY_HASH[digest] = compiled
        return row, True

    def deploy_directory(self, session: Session, processes_dir: Path, forms_dir: Path) -> list[tuple[str, int, bool]]:
        """Deploy every ``processes/*.bpmn`` with its ``forms/<key>/*.json`` (and decision tables ``*.dmn``)."""
        results = []
        for path in sorted(processes_dir.glob("*.bpmn")):
            form_dir = forms_dir / path.stem
            forms = {p.name: p.read_bytes() for p in sorted(form_dir.glob("*.json"))} if form_dir.is_dir() else {}
            decisions = {p.name: p.read_bytes() for p in sorted(form_dir.glob("*.dmn"))} if form_dir.is_dir() else {}
            row, created = self.deploy(session, path.read_bytes(), forms, decisions=decisions)
            results.append((row.key, row.version, created))
        return results
