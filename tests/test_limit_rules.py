"""A time limit that names a rule (``taskLimit = {rules.NAME}``): read from the model's rules at deployment."""

from __future__ import annotations

from typing import Any

import pytest

from tests.case_helpers import multipart, procedure_files
from tests.support import ApiClient

KEY = "housing_handover"
RULE = b'"handover_due_days": 60,'


def validate(api: ApiClient, old: bytes, new: bytes) -> Any:
    bpmn, forms = procedure_files(KEY)
    assert old in bpmn
    return multipart(api, "/process-definitions/validate", "owner",
                     {"bpmn": (bpmn.replace(old, new), f"{KEY}.bpmn"),
                      "forms": [(body, name) for name, body in forms.items()]})


@pytest.mark.parametrize(("old", "new", "message"), [
    (b'value="{rules.handover_due_days}"', b'value="{rules.handover_days}"',
     "taskLimit 引用的规则 handover_days 不在模型的 rules 脚本中，或不是整数"),
    (RULE, b'"handover_due_days": "sixty",', "taskLimit 应为整数，实为 'sixty'"),
    (b'"handover_due_red_days": 5,', b'"handover_due_red_days": 20,',
     "taskLimitRedBefore 不能大于 taskLimitYellowBefore（红色预警应晚于黄色预警）"),
])
def test_a_limit_naming_a_missing_or_bad_rule_is_refused(api: ApiClient, old: bytes, new: bytes,
                                                         message: str) -> None:
    response = validate(api, old, new)
    assert response.status_code == 422, response.get_json()
    assert {"path": "handover_due", "message": message} in response.get_json()["error"]["details"]


def test_the_process_owner_changes_the_period_in_the_rules(api: ApiClient) -> None:
    response = validate(api, RULE, b'"handover_due_days": 45,')
    assert response.status_code == 200, response.get_json()
