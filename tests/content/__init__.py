"""Unit tests of site_builder/content/."""
