"""Writing outputs safely: one writer per folder, files replaced together, a record of what was written."""
