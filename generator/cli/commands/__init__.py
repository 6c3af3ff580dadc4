"""Click commands of individual features, each a thin wrapper over a library call; registered in cli.py."""
