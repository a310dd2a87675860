"""A simulated Discord for the offline console and the tests."""
