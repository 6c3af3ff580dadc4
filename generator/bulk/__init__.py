"""Many bodies at once: a report for each (batch), or their figures summed into one (aggregate)."""
