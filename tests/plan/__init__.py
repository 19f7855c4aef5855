"""Unit tests of site_builder/plan/."""
