"""Reference data (roles) and the demo organisations and users."""
