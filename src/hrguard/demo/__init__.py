"""The deterministic demo company behind `hrguard demo`."""

from hrguard.demo.generator import DemoManifest, generate_company

__all__ = ["DemoManifest", "generate_company"]
