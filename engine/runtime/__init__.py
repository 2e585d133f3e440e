"""Driving SpiffWorkflow: the runner, snapshots and the fast task-tree walks."""
