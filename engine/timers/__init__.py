"""Timers: BPMN timer events armed as rows, fired by a worker through a journalled command."""
