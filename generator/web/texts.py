"""The web page's own words, in German and English (the questions come from questionnaire.yaml).

Both languages have the same keys and say the same thing (tests/test_web.py checks the keys).
"""

from __future__ import annotations

from typing import Any

UI: dict[str, dict[str, str]] = {
    "de": {
        "lang_name": "Deutsch",
        "language": "Sprache",
        "skip": "Zum Inhalt springen",
        "brand_tagline": "Datenschutzerklärung erstellen",
        "error_prefix": "Fehler:",
        "error": "Fehler",
        "optional": "freiwillig",
        "new": "neu",
        "yes": "Ja",
        "no": "Nein",
        "no_answer": "Keine Angabe (leer lassen)",
        "choose": "Bitte wählen",
        "not_answered": "nicht beantwortet",
        "none_chosen": "keine",
        "in_de": "Deutsch",
        "in_en": "Englisch",
        # welcome
        "welcome_title": "Ihre Datenschutzerklärung, Schritt für Schritt",
        "welcome_lead": (
            "Beantworten Sie einige Fragen zu Ihrem Unternehmen, Ihrer Website, Ihrem Newsletter "
            "und Ihren SMS. privgen stellt daraus eine vollständige Datenschutzerklärung und die "
            "passenden Texte zusammen, auf Deutsch und Englisch, als HTML, PDF und Markdown."
        ),
        "start": "Fragen beantworten",
        "continue": "Weiter, wo Sie aufgehört haben",
        "check_answers": "Antworten prüfen",
        "need_title": "Was Sie brauchen",
        "need_1": "Name, Anschrift und E-Mail-Adresse Ihres Unternehmens",
        "need_2": "die Dienste, mit denen Sie Newsletter, Service-E-Mails und SMS versenden",
        "need_3": "etwa zehn Minuten; Sie können jederzeit zurückgehen und Antworten ändern",
        "private_title": "Ihre Angaben bleiben auf diesem Computer",
        "private_text": (
            "privgen läuft auf Ihrem eigenen Computer. Ihre Antworten liegen nur im Arbeitsspeicher "
            "dieses Programms, bis Sie sie löschen, {hours} Stunden lang nichts tun oder privgen "
            "beenden. Nichts wird an andere Server geschickt; es gibt keine Statistik und keine "
            "Werbung. Das einzige Cookie hält Ihre Sitzung fest."
        ),
        "upload_title": "Vorhandenes Profil laden",
        "upload_text": (
            "Haben Sie schon ein privgen-Profil (eine YAML-Datei)? Laden Sie es, um die Antworten "
            "zu ändern. Die Datei bleibt auf diesem Computer."
        ),
        "upload_label": "Profildatei (.yaml oder .yml, höchstens {kib} KiB)",
        "upload_button": "Profil laden",
        "upload_none": "Bitte wählen Sie eine Profildatei aus.",
        "upload_suffix": "Die Datei muss auf .yaml oder .yml enden.",
        "upload_too_big": "Die Datei ist zu groß. Ein Profil darf höchstens {kib} KiB groß sein.",
        "upload_not_profile": (
            "Die Datei enthält kein Profil (erwartet werden Schlüssel wie controller: und newsletter:)."
        ),
        "upload_extends": (
            "Das Profil baut mit extends: auf einem anderen auf. Laden Sie hier ein vollständiges "
            "Profil; privgen build fügt Basisprofile zusammen."
        ),
        "upload_ignored": "Diese Angaben kennt der Fragebogen nicht; sie wurden nicht übernommen: {paths}",
        "loaded": "Das Profil {file} wurde geladen.",
        "loaded_problems": (
            "Das Profil {file} wurde geladen. Einige Antworten passen noch nicht; sie sind unten markiert."
        ),
        "not_legal_advice": (
            "Keine Rechtsberatung: privgen stellt geprüfte Textbausteine nach Ihren Antworten "
            "zusammen. Lesen Sie das Ergebnis und lassen Sie es prüfen, wo viel auf dem Spiel steht."
        ),
        # questionnaire pages
        "progress": "Fortschritt",
        "step_of": "Schritt {i} von {n}",
        "done": "erledigt",
        "current": "aktueller Schritt",
        "review_step": "Prüfen und herunterladen",
        "next": "Weiter",
        "to_review": "Weiter zur Übersicht",
        "back": "Zurück",
        "save_preview": "Speichern und Vorschau ansehen",
        "error_summary": "Bitte prüfen Sie diese Angaben",
        "appeared": (
            "Nach Ihren Antworten gibt es weitere Fragen in diesem Schritt. Sie sind mit „neu“ markiert."
        ),
        "id_hint": "Leer lassen: privgen bildet den Kurznamen aus dem Namen Ihres Unternehmens.",
        "date_hint": "Zum Beispiel 29.11.2026.",
        "country_hint": "Ein Kürzel wie DE, AT oder US oder der Name des Landes.",
        "per_language": "{label} ({language})",
        "explain": "Was bedeutet „{term}“?",
        # review
        "review_title": "Ihre Antworten prüfen",
        "review_lead": "Hier sehen Sie alle Antworten. Mit „Ändern“ kommen Sie zurück zu den Fragen.",
        "change": "Ändern",
        "problems_title": "Das fehlt noch",
        "problems_text": "Bevor privgen die Dokumente erstellen kann, brauchen diese Angaben Ihre Hilfe:",
        "notes_title": "Vor dem Veröffentlichen erledigen",
        "documents_title": "Ihre Dokumente",
        "documents_lead": (
            "privgen erstellt die Dateien auf diesem Computer, wenn Sie sie anklicken. Ein PDF "
            "braucht einige Sekunden."
        ),
        "document": "Dokument",
        "preview": "Vorschau",
        "html": "HTML",
        "pdf": "PDF",
        "md": "Markdown",
        "downloads_all": "Alles auf einmal",
        "download_pdf": "PDF herunterladen",
        "kit_title": "Weitere Texte",
        "kit_text": "Texte rund um Newsletter, SMS und Anfragen, passend zu Ihrer Datenschutzerklärung.",
        "zip": "Alle Dokumente als ZIP-Datei",
        "zip_hint": (
            "Alle Dokumente in allen Sprachen als HTML, PDF, Markdown, JSON und CSV, mit dem "
            "Profil. Das dauert bis zu einer Minute."
        ),
        "profile_yaml": "Profil herunterladen (YAML)",
        "profile_hint": (
            "Bewahren Sie das Profil auf: Damit ändern Sie Ihre Antworten später oder erstellen "
            "die Dokumente mit privgen build neu."
        ),
        "reset_title": "Antworten löschen",
        "reset_text": "Löscht alle Antworten und erstellten Dokumente aus dem Arbeitsspeicher von privgen.",
        "reset_button": "Alle Antworten löschen",
        "reset_done": "Alle Antworten wurden gelöscht.",
        # preview
        "preview_title": "Vorschau",
        "preview_lead": (
            "So sieht das Dokument mit Ihren jetzigen Antworten aus. Ändern Sie eine Antwort, "
            "ändert sich der Text."
        ),
        "preview_unavailable": "Die Vorschau erscheint, sobald diese Angaben stimmen:",
        "documents_nav": "Dokumente",
        "doc_language": "Sprache des Dokuments",
        "back_to_questions": "Zurück zu den Fragen",
        "download_this": "Herunterladen",
        # errors
        "expired_title": "Ihre Sitzung ist abgelaufen",
        "expired_text": (
            "privgen kennt diese Sitzung nicht mehr: Sie war {hours} Stunden unbenutzt, privgen wurde "
            "neu gestartet, oder das Formular war zu alt. Ihre Antworten sind nicht mehr gespeichert. "
            "Wenn Sie ein Profil heruntergeladen haben, können Sie es wieder laden."
        ),
        "start_again": "Zur Startseite",
        "not_found_title": "Diese Seite gibt es nicht",
        "not_found_text": "Die Adresse ist falsch oder die Seite passt nicht mehr zu Ihren Antworten.",
        "bad_request_title": "Diese Anfrage kann privgen nicht bearbeiten",
        "bad_request_text": "Bitte gehen Sie zurück und versuchen Sie es noch einmal.",
        "too_big_title": "Die Anfrage ist zu groß",
        "server_error_title": "Etwas ist schiefgegangen",
        "server_error_text": (
            "privgen konnte die Seite nicht erstellen. Ihre Antworten sind noch gespeichert. Die "
            "Meldung steht im Terminal, in dem privgen serve läuft."
        ),
        "footer": "privgen {version} läuft auf diesem Computer und schickt nichts an andere Server.",
    },
    "en": {
        "lang_name": "English",
        "language": "Language",
        "skip": "Skip to content",
        "brand_tagline": "Create your privacy policy",
        "error_prefix": "Error:",
        "error": "Error",
        "optional": "optional",
        "new": "new",
        "yes": "Yes",
        "no": "No",
        "no_answer": "No answer (leave empty)",
        "choose": "Please choose",
        "not_answered": "not answered",
        "none_chosen": "none",
        "in_de": "German",
        "in_en": "English",
        "welcome_title": "Your privacy policy, step by step",
        "welcome_lead": (
            "Answer some questions about your organisation, your website, your newsletter and "
            "your SMS. privgen puts together a complete privacy policy and the texts that go with "
            "it, in German and English, as HTML, PDF and Markdown."
        ),
        "start": "Answer the questions",
        "continue": "Continue where you left off",
        "check_answers": "Check your answers",
        "need_title": "What you need",
        "need_1": "the name, address and e-mail address of your organisation",
        "need_2": "the services you send newsletters, transactional e-mails and SMS with",
        "need_3": "about ten minutes; you can go back and change answers at any time",
        "private_title": "Your answers stay on this computer",
        "private_text": (
            "privgen runs on your own computer. Your answers are kept only in this program's "
            "memory, until you delete them, do nothing for {hours} hours or stop privgen. Nothing "
            "is sent to other servers; there are no statistics and no advertising. The only "
            "cookie keeps your session."
        ),
        "upload_title": "Load an existing profile",
        "upload_text": (
            "Do you already have a privgen profile (a YAML file)? Load it to change the answers. "
            "The file stays on this computer."
        ),
        "upload_label": "Profile file (.yaml or .yml, at most {kib} KiB)",
        "upload_button": "Load profile",
        "upload_none": "Please choose a profile file.",
        "upload_suffix": "The file name must end in .yaml or .yml.",
        "upload_too_big": "The file is too big. A profile may be at most {kib} KiB.",
        "upload_not_profile": (
            "The file holds no profile (expected keys such as controller: and newsletter:)."
        ),
        "upload_extends": (
            "The profile builds on another one with extends:. Load a complete profile here; "
            "privgen build merges base profiles."
        ),
        "upload_ignored": "The questionnaire does not know these entries; they were not taken over: {paths}",
        "loaded": "The profile {file} was loaded.",
        "loaded_problems": (
            "The profile {file} was loaded. Some answers do not fit yet; they are marked below."
        ),
        "not_legal_advice": (
            "Not legal advice: privgen puts together reviewed text modules according to your "
            "answers. Read the result and have it reviewed where the stakes are high."
        ),
        "progress": "Progress",
        "step_of": "Step {i} of {n}",
        "done": "done",
        "current": "current step",
        "review_step": "Check and download",
        "next": "Continue",
        "to_review": "Continue to the summary",
        "back": "Back",
        "save_preview": "Save and show the preview",
        "error_summary": "Please check these answers",
        "appeared": "Your answers lead to more questions in this step. They are marked “new”.",
        "id_hint": "Leave empty: privgen makes the short name from your organisation's name.",
        "date_hint": "For example 2026-11-29 or 29.11.2026.",
        "country_hint": "A code such as DE, AT or US, or the country's name.",
        "per_language": "{label} ({language})",
        "explain": "What does “{term}” mean?",
        "review_title": "Check your answers",
        "review_lead": "Here are all your answers. “Change” takes you back to the questions.",
        "change": "Change",
        "problems_title": "Still missing",
        "problems_text": "Before privgen can make the documents, these answers need your help:",
        "notes_title": "To do before you publish",
        "documents_title": "Your documents",
        "documents_lead": (
            "privgen makes the files on this computer when you click them. A PDF takes a few seconds."
        ),
        "document": "Document",
        "preview": "Preview",
        "html": "HTML",
        "pdf": "PDF",
        "md": "Markdown",
        "downloads_all": "Everything at once",
        "download_pdf": "Download PDF",
        "kit_title": "More texts",
        "kit_text": "Texts for newsletters, SMS and requests that match your privacy policy.",
        "zip": "All documents as a ZIP file",
        "zip_hint": (
            "Every document in every language as HTML, PDF, Markdown, JSON and CSV, with the "
            "profile. This takes up to a minute."
        ),
        "profile_yaml": "Download the profile (YAML)",
        "profile_hint": (
            "Keep the profile: with it you change your answers later or build the documents again "
            "with privgen build."
        ),
        "reset_title": "Delete your answers",
        "reset_text": "Deletes all answers and the documents made from them from privgen's memory.",
        "reset_button": "Delete all answers",
        "reset_done": "All answers were deleted.",
        "preview_title": "Preview",
        "preview_lead": (
            "This is the document with your answers so far. When you change an answer, the text changes."
        ),
        "preview_unavailable": "The preview appears as soon as these answers fit:",
        "documents_nav": "Documents",
        "doc_language": "Language of the document",
        "back_to_questions": "Back to the questions",
        "download_this": "Download",
        "expired_title": "Your session has expired",
        "expired_text": (
            "privgen no longer knows this session: it was unused for {hours} hours, privgen was "
            "restarted, or the form was too old. Your answers are no longer stored. If you "
            "downloaded a profile, you can load it again."
        ),
        "start_again": "Go to the start page",
        "not_found_title": "This page does not exist",
        "not_found_text": "The address is wrong, or the page no longer fits your answers.",
        "bad_request_title": "privgen cannot handle this request",
        "bad_request_text": "Please go back and try again.",
        "too_big_title": "The request is too big",
        "server_error_title": "Something went wrong",
        "server_error_text": (
            "privgen could not make the page. Your answers are still stored. The message is in "
            "the terminal where privgen serve runs."
        ),
        "footer": "privgen {version} runs on this computer and sends nothing to other servers.",
    },
}

LANGS = tuple(UI)


def text(lang: str, key: str, **values: Any) -> str:
    """A UI text in lang, with {placeholders} filled."""
    value = UI[lang][key]
    return value.format(**values) if values else value


class Texts:
    """`t.key` in templates: the UI texts of one language."""

    def __init__(self, lang: str):
        self.lang = lang

    def __getattr__(self, key: str) -> str:
        try:
            return UI[self.lang][key]
        except KeyError:
            raise AttributeError(key) from None

    def __call__(self, key: str, **values: Any) -> str:
        return text(self.lang, key, **values)
