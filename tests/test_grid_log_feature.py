"""Every scenario of the 民情日志 (features/grid_log.feature), through the real API."""

from pytest_bdd import scenarios

from tests.steps.grid_steps import *  # noqa: F403

scenarios("grid_log.feature")
