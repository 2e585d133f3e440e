"""Commands on cases: starting and completing, administration, business keys, attachments."""
