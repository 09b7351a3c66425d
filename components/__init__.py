"""Reusable NiceGUI pieces."""
