"""Approval operations Chinese offices expect on every step: 退回, 撤回, 转办, 委派, 加签, 抄送, 催办, 终止, 跳转.

Each is a command like completion (one transaction through
:func:`engine.store.case_store.run_command`, one journal entry carrying the opinion),
registered for replay (:mod:`engine.operations.replaying`) and checked by verification
(:mod:`engine.operations.audit`). One module per family: :mod:`~engine.operations.returns`
(退回, 撤回, 跳转), :mod:`~engine.operations.assignment` (转办, 委派),
:mod:`~engine.operations.signers` (加签, 减签, 会签), :mod:`~engine.operations.copies` (抄送),
:mod:`~engine.operations.urges` (催办), :mod:`~engine.operations.termination` (终止 by clerks).
What the model, the roles and the case's state allow is decided in :mod:`~engine.operations.policy`.
"""
