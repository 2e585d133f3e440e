"""Size guards for sandboxed code: the bombs a time bound cannot interrupt.

The sandbox's time bound is a trace function, which runs between Python-level
steps; a single C-level operation such as ``10**10**10``, ``'x' * 10**10`` or
``round(1, -10**9)`` never returns to it. So the arithmetic that can grow a
value without bound (``+ * ** << %``) and the string and list methods that can
pad or amplify are replaced by guarded versions that refuse results over a size
limit *before* computing them. A constant expression that breaks a limit is
refused when the model is deployed (the compiler sees it), anything else fails
the case at run time with a clear message.

``str.format``/``format_map`` are refused outright: their replacement fields can
read attributes (``"{0.__globals__}"``) past the attribute guard. f-string
format specs are limited to constant, small widths.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from typing import Any

from RestrictedPython import RestrictingNodeTransformer
from RestrictedPython.transformer import copy_locations

MAX_INT_BITS = 64_000  # about 19,000 decimal digits
MAX_ITEMS = 1_000_000  # characters of a string, items of a list or tuple
MAX_ROUND_DIGITS = 1_000
MAX_FORMAT_WIDTH = 1_000


class SandboxError(Exception):
    """A model's script or expression was refused or failed in the sandbox (a size limit, a time bound …)."""


_SEQUENCES = (str, bytes, list, tuple)


def _bits(value: Any) -> int:
    return value.bit_length() if isinstance(value, int) else 0


def _check_pow(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1 \
            and exponent * math.log2(abs(base)) > MAX_INT_BITS:
        raise SandboxError(f"乘方结果过大（上限 {MAX_INT_BITS} 位）")


def _check_mul(a: Any, b: Any) -> None:
    if (isinstance(a, _SEQUENCES) and isinstance(b, int)) or (isinstance(b, _SEQUENCES) and isinstance(a, int)):
        seq, times = (a, b) if isinstance(a, _SEQUENCES) else (b, a)
        if len(seq) * max(times, 0) > MAX_ITEMS:
            raise SandboxError(f"重复后的序列过长（上限 {MAX_ITEMS}）")
    elif isinstance(a, int) and isinstance(b, int) and _bits(a) + _bits(b) > MAX_INT_BITS:
        raise SandboxError(f"乘积过大（上限 {MAX_INT_BITS} 位）")


def _check_add(a: Any, b: Any) -> None:
    if isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES) and len(a) + len(b) > MAX_ITEMS:
        raise SandboxError(f"拼接后的序列过长（上限 {MAX_ITEMS}）")


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and a and _bits(a) + b > MAX_INT_BITS:
        raise SandboxError(f"移位结果过大（上限 {MAX_INT_BITS} 位）")


def _check_mod(a: Any, b: Any) -> None:
    if isinstance(a, str | bytes):
        raise SandboxError("不支持 % 字符串格式化，请使用 f-string")


_BINOPS: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any, Any], None] | None]] = {
    "+": (operator.add, _check_add),
    "-": (operator.sub, None),
    "*": (operator.mul, _check_mul),
    "/": (operator.truediv, None),
    "//": (operator.floordiv, None),
    "%": (operator.mod, _check_mod),
    "**": (operator.pow, _check_pow),
    "<<": (operator.lshift, _check_lshift),
    ">>": (operator.rshift, None),
    "&": (operator.and_, None),
    "|": (operator.or_, None),
    "^": (operator.xor, None),
    "@": (operator.matmul, None),
}
_AST_OPS = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}


def guarded_binop(op: str, a: Any, b: Any) -> Any:
    """``a <op> b`` after checking the result cannot exceed the size limits."""
    function, check = _BINOPS[op]
    if check is not None:
        check(a, b)
    return function(a, b)


def guarded_inplace(op: str, a: Any, b: Any) -> Any:
    """RestrictedPython's ``_inplacevar_``: ``x += y`` becomes ``x = _inplacevar_('+=', x, y)``."""
    if not op.endswith("=") or op[:-1] not in _BINOPS:
        raise SandboxError(f"不支持的运算 {op}")
    return guarded_binop(op[:-1], a, b)


def guarded_round(number: Any, ndigits: int | None = None) -> Any:
    if ndigits is not None and isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise SandboxError(f"round 的位数过大（上限 {MAX_ROUND_DIGITS}）")
    return round(number) if ndigits is None else round(number, ndigits)


def guarded_sum(items: Any, start: Any = 0) -> Any:
    """``sum`` of numbers only: summing lists or strings copies quadratically in C."""
    if not isinstance(start, int | float):
        raise SandboxError("sum 只能用于数字，拼接序列请使用 +")
    return sum(items, start)


def _width_guard(method: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(width: Any, *args: Any) -> Any:
        if isinstance(width, int) and width > MAX_ITEMS:
            raise SandboxError(f"字符串过长（上限 {MAX_ITEMS}）")
        return method(width, *args)
    return guarded


def _replace_guard(text: str | bytes) -> Callable[..., Any]:
    def guarded(old: Any, new: Any, *args: Any) -> Any:
        if isinstance(old, str | bytes) and isinstance(new, str | bytes) and len(new) > len(old):
            count = text.count(old) if old else len(text) + 1  # type: ignore[arg-type]
            if len(text) + count * (len(new) - len(old)) > MAX_ITEMS:
                raise SandboxError(f"替换后的字符串过长（上限 {MAX_ITEMS}）")
        return text.replace(old, new, *args)  # type: ignore[arg-type]
    return guarded


def _join_guard(sep: str | bytes) -> Callable[[Any], Any]:
    def guarded(items: Any) -> Any:
        items = list(items)
        if len(items) > MAX_ITEMS:
            raise SandboxError(f"拼接后的字符串过长（上限 {MAX_ITEMS}）")
        total = sum(len(i) for i in items if isinstance(i, str | bytes)) + len(sep) * max(len(items) - 1, 0)
        if total > MAX_ITEMS:
            raise SandboxError(f"拼接后的字符串过长（上限 {MAX_ITEMS}）")
        return sep.join(items)
    return guarded


def _extend_guard(target: list[Any]) -> Callable[[Any], None]:
    def guarded(items: Any) -> None:
        items = list(items)
        if len(target) + len(items) > MAX_ITEMS:
            raise SandboxError(f"列表过长（上限 {MAX_ITEMS}）")
        target.extend(items)
    return guarded


_REFUSED_STR_METHODS = frozenset({"format", "format_map", "translate", "maketrans"})
_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill"})


def _expandtabs_guard(text: str | bytes) -> Callable[..., Any]:
    def guarded(tabsize: Any = 8) -> Any:
        if isinstance(tabsize, int) and len(text) + text.count("\t" if isinstance(text, str) else b"\t") \
                * max(tabsize, 0) > MAX_ITEMS:
            raise SandboxError(f"字符串过长（上限 {MAX_ITEMS}）")
        return text.expandtabs(tabsize)
    return guarded


def text_size(value: Any) -> int:
    """How many characters and items printing ``value`` touches, counted up to just past MAX_ITEMS.

    Shared references count every time (``[[0] * 10**6] * 30`` prints thirty million zeros).
    """
    total, pending = 0, [value]
    while pending and total <= MAX_ITEMS:
        item = pending.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, list | tuple | set | frozenset):
            total += len(item) + 1
            pending.extend(item)
        elif isinstance(item, dict):
            total += len(item) + 1
            pending.extend(item.keys())
            pending.extend(item.values())
        else:
            total += 1
    return total


def checked_text(value: Any) -> Any:
    """``value`` unchanged if turning it into text stays within the limit (``str()``, f-strings)."""
    if text_size(value) > MAX_ITEMS:
        raise SandboxError(f"转换为文本的内容过大（上限 {MAX_ITEMS}）")
    return value


def guarded_str(*args: Any) -> str:
    if args:
        checked_text(args[0])
    return str(*args)


def guarded_method(obj: Any, name: str) -> Any | None:
    """A size-guarded replacement for ``obj.name``, or None when the plain attribute is safe."""
    if isinstance(obj, str | bytes):
        if name in _REFUSED_STR_METHODS:
            raise SandboxError(f"不允许使用 {name}，请使用 f-string")
        if name in _WIDTH_METHODS:
            return _width_guard(getattr(obj, name))
        if name == "expandtabs":
            return _expandtabs_guard(obj)
        if name == "replace":
            return _replace_guard(obj)
        if name == "join":
            return _join_guard(obj)
    if isinstance(obj, list) and name == "extend":
        return _extend_guard(obj)
    return None


_SAFE_FORMAT_SPEC = re.compile(r"^[^{}]?[<>=^]?[+\- ]?z?#?0?(\d{0,4})[_,]?(\.\d{0,3})?[bcdeEfFgGnosxX%]?$")


def _constant(node: ast.AST) -> tuple[bool, Any]:
    """Evaluate a constant expression with the same guards, or (False, None) if it is not constant."""
    if isinstance(node, ast.Constant):
        return True, node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        known, value = _constant(node.operand)
        if known and isinstance(value, int | float):
            return True, -value if isinstance(node.op, ast.USub) else value
        return False, None
    if isinstance(node, ast.BinOp) and type(node.op) in _AST_OPS:
        left_known, left = _constant(node.left)
        right_known, right = _constant(node.right)
        if left_known and right_known:
            try:
                return True, guarded_binop(_AST_OPS[type(node.op)], left, right)
            except SandboxError:
                raise
            except Exception:  # e.g. a TypeError the script would raise at run time
                return False, None
    return False, None


class GuardingTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: growing arithmetic goes through ``_binop_``; f-string specs are bounded."""

    def visit_Import(self, node: ast.Import) -> Any:
        self.error(node, "不允许 import")
        return node

    def visit_Try(self, node: ast.Try) -> Any:
        # a bound aborts a script by raising from the trace function, which also switches tracing
        # off: an except or finally clause would go on unbounded
        self.error(node, "脚本中不允许 try 语句（出错时办件进入错误状态）")
        return node

    visit_TryStar = visit_Try

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self.error(node, "不允许 import")
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        try:
            _constant(node)
            if isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant | ast.JoinedStr) \
                    and isinstance(getattr(node.left, "value", ""), str):
                _check_mod("", None)
        except SandboxError as exc:
            self.error(node, str(exc))
            return node
        node = self.node_contents_visit(node)
        op = _AST_OPS.get(type(node.op))
        if op is None:
            return node
        call = ast.Call(func=ast.Name("_binop_", ast.Load()),
                        args=[ast.Constant(op), node.left, node.right], keywords=[])
        copy_locations(call, node)
        return call

    def visit_Starred(self, node: ast.Starred) -> Any:
        if isinstance(node.ctx, ast.Load):
            self.error(node, "不支持 * 展开，拼接序列请使用 +")
            return node
        return self.node_contents_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            text = "".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
            if any(not isinstance(p, ast.Constant) for p in parts) or not _SAFE_FORMAT_SPEC.match(text) \
                    or any(int(d) > MAX_FORMAT_WIDTH for d in re.findall(r"\d+", text)):
                self.error(node, f"f-string 格式说明只允许常量且宽度不超过 {MAX_FORMAT_WIDTH}")
                return node
        node = self.node_contents_visit(node)
        # the value is turned into text by a single C call: check its size first
        wrapped = ast.Call(func=ast.Name("_text_", ast.Load()), args=[node.value], keywords=[])
        copy_locations(wrapped, node.value)
        node.value = wrapped
        return node
