"""Unit tests of site_builder/engine/."""
