"""Unit tests of site_builder/serve/."""
