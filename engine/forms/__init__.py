"""Forms: validating submissions against JSON Schema, Chinese messages, untrusted schema handling."""
