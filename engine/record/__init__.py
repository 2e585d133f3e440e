"""The printed record of a case: the 审批表 as PDF, with a Chinese font prepared for it."""
