"""Unit tests of site_builder/output/."""
