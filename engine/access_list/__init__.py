"""The 社区事务准入清单 (002 §四(一)) as a registry: entries, their replay and verification, queries."""
