"""The staff FAQ: rows that only say what must not be said, and malformed rows set aside with their line and
reason while every other row is played, reported (HTML and console) and counted in the exit code."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from staff import faq_check
from staff.client import Reply
from staff.faq import FaqError, FaqProblem, FaqRow, judge, load_faq, read_faq

pytestmark = pytest.mark.unit

FIXTURE = Path(__file__).with_name("faq_interdit.csv")
HEADER = "question;attendu;interdit;conversation\n"
# Answers as the assistant gives them (build/rapports/faq.html), and the fallback every other question gets here.
CROSS_MEDIA = ("« Chargé de communication cross-média » (RNCP35746) est délivrée par :\n"
               "• INSTITUT PROMOTION FORMATION (Paris School of Tourism and Communication, https://ecole-pstc.fr/)\n"
               "• LEARNING MANAGEMENT DEVELOPPEMENT\nSource : France Compétences, RNCP35746")
NOT_UNDERSTOOD = "Je n'ai pas compris ta question. Tu peux la reformuler ?"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "faq.csv"
    path.write_text(text, encoding="utf-8")
    return path


# -- reading ----------------------------------------------------------------------------------------------

def test_interdit_only_rows_are_checks(tmp_path):
    faq = load_faq(FIXTURE)
    assert faq.problems == []
    first = faq.rows[0]
    assert first == FaqRow(2, "chef de publicité ?", [], ["pas compris", "Je ne connais pas"], "")
    assert [r.line for r in faq.rows if not r.expected] == [2, 3, 4, 5, 7]
    assert faq.rows[-1].conversation == "c1" and faq.rows[-1].forbidden == ["ISEFAC"]
    assert read_faq(FIXTURE) == faq.rows  # nothing to set aside: the strict reading agrees


def test_an_interdit_only_row_passes_when_nothing_forbidden_appears():
    row = FaqRow(3, "qui délivre le titre chargé de communication cross-média ?", [], ["ISEFAC", "pas compris"])
    assert judge(row, CROSS_MEDIA).passed
    verdict = judge(FaqRow(2, "chef de publicité ?", [], ["pas compris", "Je ne connais pas"]), NOT_UNDERSTOOD)
    assert not verdict.passed and verdict.missing == [] and verdict.present_forbidden == ["pas compris"]


def test_a_file_may_check_only_what_must_not_be_said(tmp_path):
    faq = load_faq(write(tmp_path, "question;interdit\nchef de publicité ?;pas compris\n"))
    assert faq.rows == [FaqRow(2, "chef de publicité ?", [], ["pas compris"])] and faq.problems == []


def test_malformed_rows_are_set_aside_with_line_and_reason(tmp_path):
    path = write(tmp_path, HEADER
                 + "chef de publicité ?;;pas compris;\n"        # 2 fine: forbidden only
                 + ";bac + 5;;\n"                                # 3 no question
                 + "que fait un dircom ?;stratégie;;c1;en trop\n"  # 4 one cell too many
                 + "bonjour;;;\n"                                # 5 nothing to check
                 + "et son code rome ?;E1103;;c1|c2\n"           # 6 two conversations
                 + "\n"                                          # 7 blank: skipped silently
                 + 'qui délivre le titre 360 ?;"ISEFAC" Paris;;\n'  # 8 text after a closing quote
                 + "que fait un chef de publicité ?;commercial;;\n"  # 9 fine
                 + "merci;;;c1\n")                               # 10 nothing to check, in a conversation
    faq = load_faq(path)
    assert [r.line for r in faq.rows] == [2, 9]
    reasons = {p.line: p.reason for p in faq.problems}
    assert list(reasons) == [3, 4, 5, 6, 8, 10]
    assert reasons[3] == "colonne « question » vide"
    assert reasons[4].startswith("5 cellules pour 4 colonnes")
    assert reasons[5] == "rien à vérifier : « attendu » et « interdit » sont vides (en remplir au moins une)"
    assert "c1|c2" in reasons[6] and "une seule conversation" in reasons[6]
    assert "guillemet" in reasons[8]
    assert "conversation « c1 »" in reasons[10]
    assert {p.line: p.question for p in faq.problems}[5] == "bonjour"
    with pytest.raises(FaqError, match=r"faq\.csv, ligne 3 : colonne « question » vide"):
        read_faq(path)  # the strict reading names the first one


def test_a_quote_left_open_costs_one_line_only(tmp_path):
    never_closed = load_faq(write(tmp_path, HEADER + '"chef de pub ?;;pas compris;\nbonjour;assistant;;\n'
                                                     "merci;plaisir;;\n"))
    assert [r.line for r in never_closed.rows] == [3, 4]
    assert never_closed.problems == [FaqProblem(2, "guillemet ouvert et jamais refermé (refermer le guillemet "
                                                   "ou l'enlever)")]
    closed_later = load_faq(write(tmp_path, HEADER + '"chef de pub ?;;pas compris;\nbonjour;assistant;;\n'
                                                     'merci;plaisir";;\nau revoir;bientôt;;\n'))
    assert [r.line for r in closed_later.rows] == [3, 4, 5] and [p.line for p in closed_later.problems] == [2]
    assert "jamais refermé : la cellule avale les lignes suivantes" in closed_later.problems[0].reason
    multi_line = load_faq(write(tmp_path, HEADER + '"quelles études\npour être dircom ?";bac + 5;;\n'))
    assert multi_line.rows[0].line == 2 and multi_line.problems == []


def test_conversation_ids_that_cannot_be_read(tmp_path):
    long_id = "x" * 65
    faq = load_faq(write(tmp_path, HEADER + f"bonjour;assistant;;{long_id}\nmerci;plaisir;;c-2 bis\n"))
    assert [r.conversation for r in faq.rows] == ["c-2 bis"]
    assert "trop long (65 caractères, 64 au plus)" in faq.problems[0].reason


def test_a_file_that_cannot_be_read_at_all_is_still_an_error(tmp_path):
    with pytest.raises(FaqError, match="colonne « question » absente"):
        load_faq(write(tmp_path, "questions;attendu\nbonjour;assistant\n"))
    with pytest.raises(FaqError, match="colonne « attendu » absente, et pas de colonne « interdit »"):
        load_faq(write(tmp_path, "question;réponse\nbonjour;salut\n"))
    with pytest.raises(FaqError, match="aucune question"):
        load_faq(write(tmp_path, HEADER + "\n\n"))


# -- the command: every good row played, bad ones reported, exit code ------------------------------------

class FakeClient:
    """The console API of an assistant that knows a few answers and does not understand the rest."""

    answers = {"qui délivre le titre chargé de communication cross-média ?": CROSS_MEDIA,
               "que fait un chef de publicité ?": "Le chef de publicité est un commercial de terrain."}
    asked: list[str] = []

    def __init__(self, url: str, password: str):
        pass

    def reachable(self) -> bool:
        return True

    def ask(self, sender: str, message: str) -> Reply:
        FakeClient.asked.append(message)
        return Reply([self.answers.get(message, NOT_UNDERSTOOD)], intent="ask_job", confidence=0.9)


@pytest.fixture
def check(tmp_path, monkeypatch):
    """Run `orientation faq check FILE --report R --quiet` against FakeClient: (exit code, report text)."""
    monkeypatch.setattr(faq_check, "LATEST", tmp_path / "latest" / "faq.html")  # not the project's build/
    monkeypatch.setattr(faq_check, "ConsoleClient", FakeClient)
    FakeClient.asked = []

    def run(path: Path) -> tuple[int, str]:
        parser = argparse.ArgumentParser()
        faq_check.add_faq_commands(parser.add_subparsers(dest="command"))
        report = tmp_path / "rapport.html"
        args = parser.parse_args(["faq", "check", str(path), "--report", str(report), "--quiet"])
        code = args.func(args)
        return code, report.read_text(encoding="utf-8") if report.exists() else ""
    return run


def test_bad_lines_are_reported_and_every_other_row_runs(tmp_path, check, capsys):
    path = write(tmp_path, HEADER
                 + "qui délivre le titre chargé de communication cross-média ?;;ISEFAC|pas compris;\n"  # 2 passes
                 + ";bac + 5;;\n"                                                                   # 3 bad
                 + "chef de publicité ?;;pas compris;\n"                                            # 4 fails
                 + "bonjour;;;\n"                                                                   # 5 bad
                 + "que fait un chef de publicité ?;commercial de terrain;;\n")                    # 6 passes
    code, html = check(path)
    out, err = capsys.readouterr()
    assert code == 1
    assert FakeClient.asked == ["qui délivre le titre chargé de communication cross-média ?",
                                "chef de publicité ?", "que fait un chef de publicité ?"]
    assert "les lignes 3, 5 sont mal formées et ne seront pas vérifiées ; les autres le seront" in err
    assert "ÉCHEC ligne 4 : « chef de publicité ? »" in out and "interdit présent ['pas compris']" in out
    assert "MAL FORMÉE ligne 3, non vérifiée : colonne « question » vide" in out
    assert "MAL FORMÉE ligne 5, non vérifiée : rien à vérifier" in out and "(« bonjour »)" in out
    assert ("Bilan : 2 questions réussies, 1 en échec, 2 lignes mal formées à corriger "
            "(2 passed, 1 failed, 2 invalid)") in out
    # the report: the lines to fix, with line and reason, then every question played
    assert "2 ligne(s) mal formée(s), non vérifiée(s)" in html and "Lignes mal formées, non vérifiées" in html
    bad = html.split('id="lignes-mal-formees"', 1)[1].split("Questions vérifiées", 1)[0]
    assert "<td>3</td>" in bad and "colonne « question » vide" in bad
    assert "<td>5</td>" in bad and "« attendu » et « interdit » sont vides" in bad and "bonjour" in bad
    played = html.split("Questions vérifiées", 1)[1]
    assert played.count('<span class="ok">réussie</span>') == 2 and played.count('<span class="ko">échec</span>') == 1
    assert "interdit présent : <span class=\"tag\">pas compris</span>" in played
    assert "vérifie seulement ce qui ne doit pas être dit" in played
    assert (tmp_path / "latest" / "faq.html").read_text(encoding="utf-8") == html


def test_exit_code_is_zero_only_when_every_row_passes_and_none_is_malformed(tmp_path, check, capsys):
    good = "qui délivre le titre chargé de communication cross-média ?;;ISEFAC;\n"
    assert check(write(tmp_path, HEADER + good))[0] == 0
    assert "Bilan : 1 question réussie, 0 en échec (1 passed, 0 failed)" in capsys.readouterr().out
    code, html = check(write(tmp_path, HEADER + good + "bonjour;;;\n"))
    assert code == 1 and "Lignes mal formées" in html  # every question passed, but a line is to fix
    assert check(write(tmp_path, "pas de colonne question\n"))[0] == 2  # nothing could be checked


def test_a_file_of_bad_lines_only_still_gets_its_report(tmp_path, check, capsys):
    code, html = check(write(tmp_path, HEADER + ";bac;;\nbonjour;;;\n"))
    out, err = capsys.readouterr()
    assert code == 1 and FakeClient.asked == []  # no assistant needed: nothing to ask
    assert "la ligne" not in err and "les lignes 2, 3 sont mal formées et ne seront pas vérifiées (détail" in err
    assert "il n'en restait\naucune" in html and "<td>2</td>" in html and "<td>3</td>" in html
    assert "Bilan : 0 question réussie, 0 en échec, 2 lignes mal formées à corriger" in out
