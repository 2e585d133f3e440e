"""Working days: China's official holidays and make-up working days, with an admin's overrides."""
