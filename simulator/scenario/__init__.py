"""Scenario files: schema, loader with line numbers, steps and expectations."""
