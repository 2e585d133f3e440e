"""Call activities across deployed procedures: which version a case calls, and whose element a task is.

A call activity names another procedure by its process id (``calledElement``).
SpiffWorkflow looks the callee up in the case's subprocess specs when the call
activity starts; :class:`CaseSpecs` is that mapping for one case, which binds a
callee the first time the case calls it: the procedure's latest version at that
moment, asked of a resolver the command installs (:func:`resolving`). The
binding is journalled as a ``call`` entry (``result``: process, definition id,
version) — replay binds the same version from it — and kept in the snapshot
(:func:`bindings`, :func:`restore`). Later calls of the same callee in the case
use the same version.

Data goes in and out as SpiffWorkflow's call activity defines: the caller's data
into the callee, the callee's data back when it ends (or only the callee
process's ``ioSpecification`` inputs and outputs when it declares them).

The callee's tasks are tasks of the calling case: :func:`owner` tells which
compiled definition (caller or callee) an element of a task belongs to, for its
name, lane and form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

if TYPE_CHECKING:
    from engine.definitions.compile import CompiledDefinition

@dataclass(frozen=True)
class Binding:
    process: str
    definition_id: int
    version: int
    content_hash: str

    def as_dict(self) -> dict[str, Any]:
        return {"process": self.process, "definition_id": self.definition_id, "version": self.version,
                "content_hash": self.content_hash}


Resolver = Callable[[str], "tuple[Binding, CompiledDefinition] | None"]  # process id -> latest deployed
Loader = Callable[[int, str], "CompiledDefinition"]  # (definition id, content hash) -> compiled
BindObserver = Callable[[str | None, Binding], None]  # (call activity element id, binding)

_RESOLVER: ContextVar[Resolver | None] = ContextVar("callee_resolver", default=None)
_ON_BIND: ContextVar[BindObserver | None] = ContextVar("callee_bind_observer", default=None)
_LOADER: list[Loader] = []  # the process's definition loader (set by the engine)


@contextmanager
def resolving(resolver: Resolver) -> Iterator[None]:
    """Bind callees the command's case calls with ``resolver`` (the latest version, or the journal's)."""
    token = _RESOLVER.set(resolver)
    try:
        yield
    finally:
        _RESOLVER.reset(token)


@contextmanager
def observing_binds(observer: BindObserver) -> Iterator[None]:
    token = _ON_BIND.set(observer)
    try:
        yield
    finally:
        _ON_BIND.reset(token)


def set_loader(loader: Loader) -> None:
    _LOADER[:] = [loader]


_LOADING: ContextVar[Loader | None] = ContextVar("callee_loader", default=None)


@contextmanager
def loading(loader: Loader) -> Iterator[None]:
    """Load called procedures with ``loader`` meanwhile (an offline export carries its own)."""
    token = _LOADING.set(loader)
    try:
        yield
    finally:
        _LOADING.reset(token)


def load(definition_id: int, content_hash: str) -> CompiledDefinition:
    loader = _LOADING.get() or (_LOADER[0] if _LOADER else None)
    if loader is None:
        raise RuntimeError("no definition loader for called procedures")
    return loader(definition_id, content_hash)


class CaseSpecs(dict[str, Any]):
    """A case's subprocess specs: its own file's, then each callee bound at its first call."""

    def __init__(self, own: dict[str, Any], workflow_ref: list[BpmnWorkflow] | None = None) -> None:
        super().__init__(own)
        self.bound: dict[str, tuple[Binding, CompiledDefinition]] = {}
        self.spec_owner: dict[str, CompiledDefinition] = {}  # subprocess spec name -> callee it belongs to
        self.workflow_ref = workflow_ref or []

    def __contains__(self, name: object) -> bool:
        if dict.__contains__(self, name):
            return True
        return isinstance(name, str) and self._bind(name)

    def __missing__(self, name: str) -> Any:
        if self._bind(name):
            return dict.__getitem__(self, name)
        raise KeyError(name)

    def add(self, binding: Binding, compiled: CompiledDefinition) -> None:
        self.bound[binding.process] = (binding, compiled)
        dict.__setitem__(self, binding.process, compiled.spec)
        self.spec_owner[binding.process] = compiled
        for name, spec in compiled.subprocess_specs.items():
            if not dict.__contains__(self, name):
                dict.__setitem__(self, name, spec)
                self.spec_owner[name] = compiled

    def _bind(self, name: str) -> bool:
        resolver = _RESOLVER.get()
        found = resolver(name) if resolver is not None else None
        if found is None:
            return False
        binding, compiled = found
        self.add(binding, compiled)
        observer = _ON_BIND.get()
        if observer is not None:
            observer(self._calling_element(name), binding)
        return True

    def _calling_element(self, name: str) -> str | None:
        """The call activity starting this callee now: the first, in tree order, without its subprocess yet."""
        if not self.workflow_ref:
            return None
        workflow = self.workflow_ref[0]
        for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK):
            spec = task.task_spec
            if isinstance(spec, CallActivity) and spec.spec == name and task.id not in workflow.subprocesses:
                return getattr(spec, "bpmn_id", None)
        return None


def case_specs(own: dict[str, Any], workflow: BpmnWorkflow) -> CaseSpecs:
    """Give ``workflow`` (just created) its own CaseSpecs."""
    specs = CaseSpecs(own, [workflow])
    workflow.subprocess_specs = specs
    return specs


def bindings(workflow: BpmnWorkflow) -> dict[str, Any]:
    specs = workflow.subprocess_specs
    if not isinstance(specs, CaseSpecs) or not specs.bound:
        return {}
    return {name: binding.as_dict() for name, (binding, _) in sorted(specs.bound.items())}


def restore(workflow: BpmnWorkflow, own: dict[str, Any], recorded: dict[str, Any]) -> None:
    """Give a restored workflow its bound callees back (before its subprocesses are read)."""
    specs = case_specs(own, workflow)
    if not recorded:
        return
    for name, dct in recorded.items():
        binding = Binding(name, int(dct["definition_id"]), int(dct["version"]), str(dct["content_hash"]))
        specs.add(binding, load(binding.definition_id, binding.content_hash))


def owner(definition: CompiledDefinition, task: Task) -> CompiledDefinition:
    """The compiled definition whose element ``task`` is: the case's own, or the callee it runs in."""
    specs = task.workflow.top_workflow.subprocess_specs
    if not isinstance(specs, CaseSpecs) or not specs.spec_owner:
        return definition
    workflow = task.workflow
    while workflow is not workflow.top_workflow:
        found = specs.spec_owner.get(workflow.spec.name)
        if found is not None and workflow.spec is specs.get(workflow.spec.name):
            return found
        parent = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        workflow = parent.workflow
    return definition


def element_of(definition: CompiledDefinition, task: Task) -> Any:
    """The Element (name, type, lane) of a task's BPMN element, in whichever definition it belongs to."""
    element = getattr(task.task_spec, "bpmn_id", None)
    return owner(definition, task).elements.get(element or "")


def foreign_workflows(workflow: BpmnWorkflow) -> set[Any]:
    """The subprocess workflows of a case that run a called procedure (and everything inside them)."""
    specs = workflow.subprocess_specs
    if not isinstance(specs, CaseSpecs) or not specs.spec_owner or not workflow.subprocesses:
        return set()
    foreign: set[Any] = set()
    for sub in workflow.subprocesses.values():
        chain = sub
        while chain is not workflow:
            if chain in foreign or (specs.spec_owner.get(chain.spec.name) is not None
                                    and chain.spec is specs.get(chain.spec.name)):
                foreign.add(sub)
                break
            chain = workflow.get_task_from_id(chain.parent_task_id).workflow
    return foreign


def owner_binding(definition: CompiledDefinition, task: Task) -> Binding | None:
    """The binding of the called procedure a task belongs to, or None for the case's own."""
    found = owner(definition, task)
    if found is definition:
        return None
    specs = task.workflow.top_workflow.subprocess_specs
    return next((b for b, c in specs.bound.values() if c is found), None)
