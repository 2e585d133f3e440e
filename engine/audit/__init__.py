"""The journal and what auditors do with it: hash chain, replay, verification, history, export."""
