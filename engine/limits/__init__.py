"""Time limits: 法定时限 and 承诺时限 per case, 环节时限 per task, in working days, natural days or hours."""
