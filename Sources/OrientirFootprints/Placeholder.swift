// OrientirFootprints: see the issue note; filled in by the projections work.
