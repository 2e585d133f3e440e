"""Every scenario of every procedure (features/*.feature), through the real API."""

from pytest_bdd import scenarios

# residents_committee and housing_handover wait on the clock: tests/test_procedure_time_features.py
scenarios("village_to_community.feature", "community_access.feature")
