"""Every scenario of every procedure (features/*.feature), through the real API."""

from pytest_bdd import scenarios

# the steps of tests/steps/village_steps.py register as fixtures of the module that imports them
from tests.steps.village_steps import *  # noqa: F403

# residents_committee and housing_handover wait on the clock: tests/test_procedure_time_features.py
# community_access.feature runs in tests/test_access_list_feature.py, on a clock its scenarios move
scenarios("village_to_community.feature")
