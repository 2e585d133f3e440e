"""Process definitions: compiling and checking BPMN, deployment, the version registry."""
