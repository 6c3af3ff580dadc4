"""Templates: the one sandboxed Jinja environment, template sets and their manifests, the name checker, the
scaffold that copies a set for another city."""
