"""Trivia: the Discord-free game engine (`engine`), its clocks and scoring, and the Discord views."""
