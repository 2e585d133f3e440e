"""Sandboxed evaluation of BPMN conditions and scripts.

Process owners upload models, so every expression and script is untrusted code.
It is compiled with RestrictedPython (no imports, no names or attributes that
start with an underscore, no ``open``/``eval``/``exec``), sees only an
allow-listed set of builtins and the case data, and is cut off by bounds on
its steps, its call depth and its time. Scripts see no clock and no randomness,
so a replay is deterministic: the step and depth bounds do not depend on the
machine's speed and decide first for any pure-Python runaway, and the time bound
(a backstop for slow C-level steps) fails with the same message as the step
bound, so which of the two cut a script off never changes the recorded outcome.
"""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Iterable, Iterator
from functools import lru_cache
from types import CodeType, FrameType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.sandbox.guards import (
    GuardingTransformer,
    SandboxError,
    checked_text,
    guarded_binop,
    guarded_inplace,
    guarded_method,
    guarded_round,
    guarded_str,
    guarded_sum,
)

TIME_LIMIT_SECONDS = 5.0
MAX_STEPS = 1_000_000  # trace events (lines, calls, returns): about a second of pure Python on a quiet machine
MAX_CALL_DEPTH = 100  # far below Python's own recursion limit, whatever the caller's stack depth
TOO_LONG = f"脚本运行时间过长（上限 {MAX_STEPS:,} 步或 {TIME_LIMIT_SECONDS:g} 秒），已中止"
TOO_DEEP = f"脚本递归调用过深（上限 {MAX_CALL_DEPTH} 层），已中止"
MAX_RANGE = 100_000
MAX_SOURCE_CHARS = 20_000


def _limited_range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise SandboxError(f"range 过大（上限 {MAX_RANGE}）")
    return r


_UNREADABLE = (type, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.LambdaType)


def _guarded_getattr(obj: Any, name: str, default: Any = None) -> Any:
    if not isinstance(name, str) or name.startswith("_"):
        raise SandboxError(f"不允许访问属性 {name}")
    if isinstance(obj, _UNREADABLE):  # str.format(...), list.extend(...) would bypass the bound-method guards
        raise SandboxError(f"不允许访问类型或函数的属性 {name}")
    guarded = guarded_method(obj, name)
    if guarded is not None:
        return guarded
    if default is None:
        return getattr(obj, name)
    return getattr(obj, name, default)


def _guarded_getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _guarded_write(obj: Any) -> Any:
    if isinstance(obj, dict | list):
        return obj
    raise SandboxError("只允许修改字典和列表")


_BUILTINS: dict[str, Any] = {
    name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "float", "int", "isinstance",
        "len", "list", "max", "min", "reversed", "round", "set", "sorted", "str", "sum", "tuple",
        "zip", "True", "False", "None", "ValueError", "KeyError", "TypeError", "ZeroDivisionError",
    )
}
_BUILTINS["range"] = _limited_range
_BUILTINS["str"] = guarded_str
_BUILTINS["round"] = guarded_round
_BUILTINS["sum"] = guarded_sum

_GUARDS: dict[str, Any] = {
    "_getattr_": _guarded_getattr,
    "_getitem_": _guarded_getitem,
    "_getiter_": iter,
    "_write_": _guarded_write,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": guarded_inplace,
    "_binop_": guarded_binop,
    "_text_": checked_text,
}


def _compile(source: str, mode: str) -> CodeType:
    if len(source) > MAX_SOURCE_CHARS:
        raise SandboxError(f"脚本过长（上限 {MAX_SOURCE_CHARS} 个字符）")
    try:
        if mode == "eval":
            result = compile_restricted_eval(source.strip(), "<expression>", policy=GuardingTransformer)
        else:
            result = compile_restricted_exec(source, "<script>", policy=GuardingTransformer)
    except (RecursionError, MemoryError) as exc:
        raise SandboxError("表达式嵌套过深") from exc
    if result.errors or result.code is None:
        raise SandboxError("；".join(result.errors) or ("表达式无法编译" if mode == "eval" else "脚本无法编译"))
    return result.code


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    return _compile(source, "eval")


@lru_cache(maxsize=1024)
def compile_script(source: str) -> CodeType:
    return _compile(source, "exec")


class _Deadline:
    """A trace function that aborts sandboxed code past its step, call-depth or time bound."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.ticks = 0
        self.depth = 0

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename not in ("<expression>", "<script>"):
            return None
        self.depth += 1  # a 'call' of sandboxed code; its 'return' (also on an exception) comes to _local
        if self.depth > MAX_CALL_DEPTH:
            raise SandboxError(TOO_DEEP)
        self._tick()
        return self._local

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "return":
            self.depth -= 1
        self._tick()
        return self._local

    def _tick(self) -> None:
        self.ticks += 1
        if self.ticks > MAX_STEPS or (self.ticks % 256 == 0 and time.monotonic() > self.deadline):
            raise SandboxError(TOO_LONG)


def _run_bounded(code: CodeType, env: dict[str, Any], mode: str) -> Any:
    previous = sys.gettrace()
    sys.settrace(_Deadline(TIME_LIMIT_SECONDS))
    try:
        if mode == "eval":
            return eval(code, env)  # RestrictedPython-compiled, guarded globals
        exec(code, env)  # RestrictedPython-compiled, guarded globals
        return None
    finally:
        sys.settrace(previous)


def _base_env(context: dict[str, Any]) -> dict[str, Any]:
    env: dict[str, Any] = {"__builtins__": _BUILTINS, **_GUARDS}

    def data_value(name: str, default: Any = None) -> Any:
        """A case value that may be absent (an optional field): scripts cannot catch errors (no try)."""
        if not isinstance(name, str) or name.startswith("_") or name in _GUARDS:
            return default
        return env.get(name, default)

    env["data_value"] = data_value  # case data of the same name wins
    for key, value in context.items():
        if not key.startswith("_"):
            env[key] = value
    return env


_JSON_SCALARS = (str, int, float, bool, type(None))


def _json_safe(value: Any, depth: int = 0) -> bool:
    if depth > 32:
        return False
    if isinstance(value, _JSON_SCALARS):
        return True
    if isinstance(value, list | tuple):
        return all(_json_safe(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v, depth + 1) for k, v in value.items())
    return False


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment backed by RestrictedPython."""

    def __init__(self) -> None:
        super().__init__({})

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        # external_context: the workflow's data objects (conditions), a DMN rule's input value
        # (``?``); the task's own data wins, as in SpiffWorkflow's default environment
        if isinstance(external_context, dict) and external_context:
            context = {**external_context, **context}
        return _run_bounded(compile_expression(expression), _base_env(context), "eval")

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        env = _base_env(context)
        _run_bounded(compile_script(script), env, "exec")
        for key, value in env.items():
            if key.startswith("_") or key in _GUARDS:
                continue
            if callable(value) or isinstance(value, Iterator):
                continue
            if not _json_safe(value):
                raise SandboxError(f"脚本变量 {key} 的值无法保存（只允许 JSON 数据）")
            context[key] = [*value] if isinstance(value, tuple) else value
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise SandboxError("本引擎不支持服务任务")


def create_script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=SandboxEnvironment())


def check_compiles(sources: Iterable[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Compile (element_id, kind, source) triples; return (element_id, message) for each failure."""
    failures: list[tuple[str, str]] = []
    for element_id, kind, source in sources:
        try:
            if kind == "expression":
                compile_expression(source)
            else:
                compile_script(source)
        except SandboxError as exc:
            failures.append((element_id, str(exc)))
        except SyntaxError as exc:
            failures.append((element_id, f"语法错误：{exc.msg}"))
    return failures
