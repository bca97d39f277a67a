"""Authoring tools: `new`, `import`, `suggest` and the editors' JSON Schemas, all driven by sitegen.schema."""
