"""`privgen serve`: the questionnaire as a local web page (Flask).

Flask is imported only by `app.py`, which the `serve` command loads when it runs, so no
other command pays for it. `command.py` is the click command, `forms.py` and `documents.py`
hold the logic (no Flask), `store.py` the in-memory sessions, `texts.py` the page's words.
"""
