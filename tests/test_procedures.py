"""Every scenario of every procedure (features/*.feature), through the real API."""

from pytest_bdd import scenarios

scenarios("village_to_community.feature", "residents_committee.feature", "housing_handover.feature")
# community_access.feature runs in tests/test_access_list_feature.py, on a clock its scenarios move
