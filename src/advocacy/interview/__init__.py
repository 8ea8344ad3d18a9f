"""The interview: questions in plain words, asked in a terminal (terminal) and
by the web form, whose answers become a patient file."""
