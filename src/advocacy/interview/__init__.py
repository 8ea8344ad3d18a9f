"""The interview: questions in plain words whose answers become a patient file.

questions.py holds the questions, the answers' shape and the YAML they are
saved as, for both front ends; terminal.py asks them in a terminal (the web
form, advocacy.web.form, asks the same questions as a page per part).
"""
