"""Every scenario of the approval operations (features/operations/*.feature), through the real API."""

from pytest_bdd import scenarios

scenarios("operations")
