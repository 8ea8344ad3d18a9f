"""For support groups: a roster read row by row (roster), one letter per member
(batch) and copies to fill in by hand (blank). Each builds its jobs and calls
the core's one render path, advocacy.pipeline."""
