"""How spiff31-loop_approval.json was made: SpiffWorkflow 3.1 (serializer format 1.4) writing a case.

Run with SpiffWorkflow 3.1.x installed, not the project's (e.g. in a scratch venv:
``python -m venv /tmp/spiff31 && /tmp/spiff31/bin/pip install 'SpiffWorkflow>=3.1,<3.2'``), from the
repository root::

    /tmp/spiff31/bin/python tests/data/snapshots/make_spiff31_snapshot.py

The case of tests/fixtures/loop_approval.bpmn is submitted and approved, so it waits at the
parallel countersigning (sign_a, sign_b ready). The snapshot is written as the engine stores
one: SpiffWorkflow's serialization without the process spec, tasks in tree order (a
restored task takes its data from its parent's, so parents come first).
"""

import json
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parents[3]
parser = SpiffBpmnParser()
parser.add_bpmn_file(str(ROOT / "tests" / "fixtures" / "loop_approval.bpmn"))
workflow = BpmnWorkflow(parser.get_spec("loop_approval"))
workflow.do_engine_steps()
for element, data in (("submit", {"title": "旧版快照", "amount": 7}), ("review", {"decision": "pass"})):
    task = next(t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == element)
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()
serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
dct = json.loads(serializer.serialize_json(workflow))
assert dct[serializer.VERSION_KEY] == "1.4", dct[serializer.VERSION_KEY]
dct.pop("spec")
dct.pop("subprocess_specs")
out = Path(__file__).with_name("spiff31-loop_approval.json")
out.write_text(json.dumps(dct, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(out, sorted(t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY)))
