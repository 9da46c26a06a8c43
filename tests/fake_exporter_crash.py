"""An exporter plugin module that fails while it is imported (test_exporter_registry.py)."""

raise RuntimeError("plugin crashed on import")
