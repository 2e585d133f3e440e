"""Every scenario of 吹哨报到 (features/whistle_report.feature), through the real API."""

from pytest_bdd import scenarios

# the steps of tests/steps/whistle_steps.py register as fixtures of the module that imports them
from tests.steps.whistle_steps import *  # noqa: F403

scenarios("whistle_report.feature")
